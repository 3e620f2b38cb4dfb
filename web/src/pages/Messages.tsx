// Placeholder: replaced by the Messages page.
import type { User } from "../api";

export function Messages({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Messages</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
