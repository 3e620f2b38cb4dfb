// Placeholder: replaced by the Alerts page.
import type { User } from "../api";

export function Alerts({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Alerts</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
