// Placeholder: replaced by the Kitchen page.
import type { User } from "../api";

export function Kitchen({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Kitchen</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
