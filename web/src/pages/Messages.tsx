// Guest messages to the front desk: the waiting ones first (oldest wait visible as "12 min ago"),
// a polite live alert and a highlight when a new one arrives, and mark handled / reopen.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { ago } from "../frontoffice/format";
import { describeError, useResource } from "../live";
import { onEvent } from "../socket";
import { useNow } from "../time";
import "../frontoffice/frontoffice.css";
import "./Messages.css";

interface ContactMessage {
  id: string;
  roomNumber: string;
  name: string;
  message: string;
  createdAt: string;
  handled: boolean;
  handledBy: { username: string; role: string } | null;
  handledAt: string | null;
}

const HINT = "contact_message.created";
const HANDLERS = new Set(["hotelAdmin", "frontOffice"]);

export function Messages({ user }: { user: User }) {
  const mayHandle = HANDLERS.has(user.role);
  const waiting = useResource(() => api<Page<ContactMessage>>("GET", "/api/contact-messages", { query: { handled: false, limit: 200 } }), [HINT]);
  const handled = useResource(() => api<Page<ContactMessage>>("GET", "/api/contact-messages", { query: { handled: true, limit: 30 } }), [HINT]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [alert, setAlert] = useState("");
  const [message, setMessage] = useState("");
  const now = useNow();

  useEffect(
    () =>
      onEvent([HINT], (event, payload) => {
        if (event !== HINT) return; // a resync refetches through useResource; it is not news
        const id = typeof payload.id === "string" ? payload.id : "";
        if (id) setFresh((current) => new Set(current).add(id));
        setAlert(`New message from room ${payload.roomNumber ?? "?"}${payload.name ? ` (${payload.name})` : ""}: ${payload.message ?? ""}`);
      }),
    [],
  );

  async function mark(item: ContactMessage, done: boolean) {
    setMessage(done ? `Marking the message from room ${item.roomNumber} handled…` : `Reopening the message from room ${item.roomNumber}…`);
    try {
      await api("PATCH", `/api/contact-messages/${encodeURIComponent(item.id)}`, { body: { handled: done } });
      setMessage(done ? `Handled: room ${item.roomNumber}, ${item.name}.` : `Waiting again: room ${item.roomNumber}, ${item.name}.`);
      setFresh((current) => {
        const next = new Set(current);
        next.delete(item.id);
        return next;
      });
    } catch (caught) {
      setMessage(`Not saved: ${describeError(caught as ApiError)}`);
    }
    await Promise.all([waiting.reload(), handled.reload()]);
  }

  const waitingItems = waiting.data?.items ?? [];
  const error = waiting.error || handled.error;
  return (
    <section aria-labelledby="messages-title" class="messages-page">
      <div class="page-head">
        <h1 id="messages-title">Guest messages</h1>
        {waiting.asOf && <span class="muted">as of {waiting.asOf.toLocaleTimeString()}</span>}
      </div>
      <div class="message-alert" role="status" aria-live="polite" aria-label="New guest message">
        {alert && (
          <p>
            <span aria-hidden="true">✉ </span>
            {alert}
            <button type="button" class="link" onClick={() => { setAlert(""); setFresh(new Set()); }}>
              Seen
            </button>
          </p>
        )}
      </div>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {error && <p class="form-error" role="alert">Messages could not be loaded: {describeError(error)}</p>}

      <h2 id="waiting-title">Waiting for the desk ({waiting.data ? waiting.data.total : "…"})</h2>
      {waiting.data && waitingItems.length === 0 && <p class="fo-empty">No guest is waiting for an answer. New messages appear here by themselves.</p>}
      <ul class="message-list" aria-labelledby="waiting-title">
        {waitingItems.map((item) => (
          <MessageCard key={item.id} item={item} now={now} fresh={fresh.has(item.id)}>
            {mayHandle && (
              <button type="button" class="primary" onClick={() => mark(item, true)}>
                Mark handled<span class="sr-only"> room {item.roomNumber}, {item.name}</span>
              </button>
            )}
          </MessageCard>
        ))}
      </ul>

      <h2 id="handled-title">Handled recently</h2>
      {handled.data && handled.data.items.length === 0 && <p class="fo-empty">Nothing handled yet.</p>}
      <ul class="message-list" aria-labelledby="handled-title">
        {(handled.data?.items ?? []).map((item) => (
          <MessageCard key={item.id} item={item} now={now} fresh={false}>
            <span class="muted fo-small">
              <span aria-hidden="true">✓ </span>Handled{item.handledBy ? ` by ${item.handledBy.username}` : ""}
              {item.handledAt && <> <time dateTime={item.handledAt} title={new Date(item.handledAt).toLocaleString()}>{ago(item.handledAt, now)}</time></>}
            </span>
            {mayHandle && (
              <button type="button" onClick={() => mark(item, false)}>
                Reopen<span class="sr-only"> room {item.roomNumber}, {item.name}</span>
              </button>
            )}
          </MessageCard>
        ))}
      </ul>
    </section>
  );
}

function MessageCard({ item, now, fresh, children }: { item: ContactMessage; now: number; fresh: boolean; children?: ComponentChildren }) {
  return (
    <li>
      <article class={`message-card${fresh ? " fresh" : ""}${item.handled ? " handled" : ""}`} aria-label={`Room ${item.roomNumber}, ${item.name}`}>
        <header class="message-head">
          <span class="fo-room">Room {item.roomNumber}</span>
          <span>{item.name}</span>
          {fresh && <span class="new-badge">New</span>}
          <time class="muted" dateTime={item.createdAt} title={new Date(item.createdAt).toLocaleString()}>
            {ago(item.createdAt, now)}
          </time>
        </header>
        <p class="message-text">{item.message}</p>
        <div class="message-actions">{children}</div>
      </article>
    </li>
  );
}
