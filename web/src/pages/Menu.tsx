// Placeholder: replaced by the Menu page.
import type { User } from "../api";

export function Menu({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Menu</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
