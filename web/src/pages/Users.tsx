// Placeholder: replaced by the Users page.
import type { User } from "../api";

export function Users({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Users</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
