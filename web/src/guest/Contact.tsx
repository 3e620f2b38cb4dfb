// A message to the front desk for the guest's room, and what was sent from this screen.
import { useState } from "preact/hooks";
import { formatTime, sendMessage } from "./data";
import type { Shared } from "./GuestApp";
import { explain } from "./parts";
import { t } from "./strings";

interface Sent {
  id: string;
  message: string;
  createdAt: string;
}

export function Contact({ shared }: { shared: Shared }) {
  const [message, setMessage] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState("");
  const [sent, setSent] = useState<Sent[]>([]);

  async function send(event: Event) {
    event.preventDefault();
    if (sending) return;
    const text = message.trim();
    if (!text) {
      setError(t("messageRequired"));
      return;
    }
    setSending(true);
    setError("");
    try {
      const name = shared.user.username && shared.user.username !== "guest" ? shared.user.username : t("roomBadge", { room: shared.room });
      const created = await sendMessage(shared.room, name, text);
      setSent((list) => [{ id: created.id, message: text, createdAt: created.createdAt }, ...list]);
      setMessage("");
      shared.announce(t("messageSent", { time: formatTime(created.createdAt) }));
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <h1>{t("contactTitle")}</h1>
      <p class="g-muted">{t("contactIntro")}</p>
      <form class="g-card g-form" onSubmit={send} noValidate>
        <label for="contact-message">{t("message")}</label>
        <textarea
          id="contact-message"
          rows={4}
          maxLength={2000}
          value={message}
          aria-invalid={error === t("messageRequired") ? true : undefined}
          onInput={(event) => setMessage((event.target as HTMLTextAreaElement).value)}
        />
        <p class="g-error" role="alert">
          {error}
        </p>
        <button type="submit" class="g-primary g-wide" disabled={sending}>
          {sending ? t("sending") : t("send")}
        </button>
      </form>
      {sent.length > 0 && (
        <section aria-labelledby="sent-title">
          <h2 id="sent-title">{t("sentMessages")}</h2>
          <ul class="g-list">
            {sent.map((item) => (
              <li key={item.id} class="g-card">
                <p class="g-message">{item.message}</p>
                <p class="g-muted">
                  <span aria-hidden="true">✓ </span>
                  {t("messageSent", { time: formatTime(item.createdAt) })}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
