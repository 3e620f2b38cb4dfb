// Placeholder: replaced by the Settings page.
import type { User } from "../api";

export function Settings({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Settings</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
