// Placeholder: replaced by the Report page.
import type { User } from "../api";

export function Report({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Report</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
