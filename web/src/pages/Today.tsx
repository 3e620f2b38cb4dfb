// Placeholder: replaced by the Today page.
import type { User } from "../api";

export function Today({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Today</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
