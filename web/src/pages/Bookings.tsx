// Placeholder: replaced by the Bookings page.
import type { User } from "../api";

export function Bookings({ user }: { user: User }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Bookings</h1>
      <p class="muted">Not built yet ({user.role}).</p>
    </section>
  );
}
