// Placeholder: replaced by the Analytics page.
import type { User } from "../api";

export function Analytics({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Analytics</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
