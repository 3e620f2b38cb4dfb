// Placeholder: replaced by the PMS sync page.
import type { User } from "../api";

export function Pms({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">PMS sync</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
