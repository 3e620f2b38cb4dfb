// The notifications bell: unread count, the inbox, mark read / read all. Hints → refetch.
import { useState } from "preact/hooks";
import { api, type Page } from "../api";
import { useResource } from "../live";
import type { Notification } from "../socket";

const ALL = ["room.", "task.", "request.", "alert.", "order.", "booking.", "customer.", "contact_message."];

const PRIORITY_MARK: Record<string, string> = { urgent: "‼ Urgent", high: "! High" };

function describe(item: Notification): string {
  const raw = item.raw ?? {};
  if (item.event === "alert.sent") {
    const mark = PRIORITY_MARK[String(raw.priority)];
    const from = (raw.sentBy as { username?: string } | undefined)?.username;
    return `${mark ? `${mark} alert` : "Alert"}${from ? ` from ${from}` : ""}: ${String(raw.message ?? "")}`;
  }
  if (item.event === "contact_message.created") {
    return `Message from room ${item.roomNumber ?? "?"}: ${String(raw.message ?? "")}`;
  }
  const what = item.event.replace(/[._]/g, " ");
  const where = item.roomNumber ? ` · room ${item.roomNumber}` : "";
  const change = typeof item.newStatus === "string" ? ` → ${item.newStatus}` : "";
  return `${what}${where}${change}`;
}

export function Bell() {
  const [open, setOpen] = useState(false);
  const count = useResource(() => api<{ count: number }>("GET", "/api/notifications/unread-count"), ALL);
  const inbox = useResource(
    () => (open ? api<Page<Notification>>("GET", "/api/notifications", { query: { limit: 20 } }) : Promise.resolve(null)),
    open ? ALL : [],
    String(open),
  );
  const unread = count.data?.count ?? 0;

  async function markAll() {
    await api("POST", "/api/notifications/read-all");
    await Promise.all([count.reload(), inbox.reload()]);
  }

  async function markOne(id: string) {
    await api("POST", `/api/notifications/${encodeURIComponent(id)}/read`);
    await Promise.all([count.reload(), inbox.reload()]);
  }

  return (
    <div class="bell">
      <button type="button" aria-expanded={open} aria-controls="inbox" onClick={() => setOpen(!open)}>
        Notifications <span class="badge">{unread}</span>
        <span class="sr-only"> unread</span>
      </button>
      {open && (
        <section id="inbox" class="inbox" aria-label="Notifications inbox">
          <div class="inbox-head">
            <h2>Inbox</h2>
            <button type="button" onClick={markAll} disabled={unread === 0}>
              Mark all read
            </button>
          </div>
          {inbox.data?.items.length === 0 && <p class="muted">Nothing yet.</p>}
          <ul>
            {inbox.data?.items.map((item) => (
              <li key={item.id} class={item.read ? "read" : "unread"}>
                <span>{item.read ? "" : "● "}{describe(item)}</span>
                <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleTimeString()}</time>
                {!item.read && (
                  <button type="button" class="link" onClick={() => markOne(item.id)}>
                    Mark read<span class="sr-only">: {describe(item)}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
