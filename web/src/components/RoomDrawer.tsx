// A room's drawer: its status history (who, from where, old → new), current stay, open tasks,
// and putting it out of order or service (with reason and dates) or ending that.
import { untilText } from "../time";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import type { Room } from "../pages/Rooms";

interface HistoryEntry {
  field: string;
  oldValue: unknown;
  newValue: unknown;
  actor: { username?: string } | string | null;
  source: string;
  time: string;
}

interface Stay {
  id: string;
  name: string;
  checkoutDate: string;
  updatedCheckoutDate: string | null;
}

interface OpenTask {
  taskId: string;
  type: string;
  status: string;
  priority: string;
  assignedTo: string | null;
}

const MAY_SET_OUT_OF_ORDER = new Set(["hotelAdmin", "supervisor", "frontOffice"]);

function actorName(actor: HistoryEntry["actor"]): string {
  if (!actor) return "system";
  return typeof actor === "string" ? actor : actor.username ?? "system";
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return (value as { kind?: string }).kind ?? JSON.stringify(value);
  return String(value);
}

function isoDate(offsetDays: number): string {
  const day = new Date(Date.now() + offsetDays * 86400000);
  return day.toISOString().slice(0, 10);
}

export function RoomDrawer({ room, user, onClose }: { room: Room; user: User; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const number = encodeURIComponent(room.roomNumber);
  const history = useResource(() => api<Page<HistoryEntry>>("GET", `/api/rooms/${number}/history`, { query: { limit: 500 } }), ["room."], room.roomNumber);
  const stays = useResource(() => api<Page<Stay>>("GET", "/api/customers", { query: { roomNumber: room.roomNumber, status: "checked in" } }), ["customer."], room.roomNumber);
  const tasks = useResource(() => api<Page<OpenTask>>("GET", "/api/tasks", { query: { room: room.roomNumber, limit: 100 } }), ["task."], room.roomNumber);
  const [kind, setKind] = useState("OutOfOrder");
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState(isoDate(1));
  const [message, setMessage] = useState("");

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function putOutOfOrder(event: Event) {
    event.preventDefault();
    try {
      await api("POST", `/api/rooms/${number}/out-of-order`, {
        body: { kind, reason: reason.trim(), from: new Date().toISOString(), to: `${until}T12:00:00Z` },
      });
      setMessage(`Room ${room.roomNumber} is now ${kind === "OutOfOrder" ? "out of order" : "out of service"}.`);
      setReason("");
    } catch (caught) {
      setMessage(`Not changed: ${describeError(caught as ApiError)}`);
    }
  }

  async function endOutOfOrder() {
    try {
      await api("DELETE", `/api/rooms/${number}/out-of-order`);
      setMessage(`Room ${room.roomNumber} is back in service.`);
    } catch (caught) {
      setMessage(`Not changed: ${describeError(caught as ApiError)}`);
    }
  }

  const recent = [...(history.data?.items ?? [])].reverse().slice(0, 15);
  const open = (tasks.data?.items ?? []).filter((t) => t.status !== "completed" && t.status !== "cancelled");
  const stay = stays.data?.items[0];
  const mayChange = MAY_SET_OUT_OF_ORDER.has(user.role);

  return (
    <dialog ref={dialog} class="drawer" aria-labelledby="drawer-title" onClose={onClose}>
      <div class="drawer-head">
        <h2 id="drawer-title">Room {room.roomNumber}</h2>
        <button type="button" onClick={() => dialog.current?.close()}>Close</button>
      </div>
      <p>
        {room.roomType} · floor {room.floor} · {room.frontOfficeStatus} · {room.housekeepingStatus}
      </p>
      <p class="status-line" role="status" aria-live="polite">{message}</p>

      <h3>Current stay</h3>
      {stay ? <p>{stay.name}, departs {stay.updatedCheckoutDate || stay.checkoutDate}</p> : <p class="muted">No guest checked in.</p>}

      <h3>Open tasks ({open.length})</h3>
      {open.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {open.map((t) => (
            <li key={t.taskId}>{t.type} · {t.priority} · {t.status.replace("_", " ")} · {t.assignedTo ?? "unassigned"}</li>
          ))}
        </ul>
      )}

      {mayChange && (
        <>
          <h3>Out of order / service</h3>
          {room.outOfOrder ? (
            <p>
              {room.outOfOrder.kind === "OutOfOrder" ? "Out of order" : "Out of service"} until {untilText(room.outOfOrder.to)}: {room.outOfOrder.reason}{" "}
              <button type="button" onClick={endOutOfOrder}>End out of order</button>
            </p>
          ) : (
            <form class="filters" aria-label="Put out of order" onSubmit={putOutOfOrder}>
              <label>
                Kind
                <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
                  <option value="OutOfOrder">Out of order (not sellable)</option>
                  <option value="OutOfService">Out of service (sellable)</option>
                </select>
              </label>
              <label>
                Reason
                <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} required maxLength={200} />
              </label>
              <label>
                Until
                <input type="date" value={until} min={isoDate(0)} onInput={(e) => setUntil(e.currentTarget.value)} required />
              </label>
              <button type="submit" disabled={!reason.trim()}>Put out of order</button>
            </form>
          )}
        </>
      )}

      <h3>Status history</h3>
      {history.error && <p class="form-error">{describeError(history.error)}</p>}
      <table class="audit">
        <caption class="sr-only">Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Change</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((entry, index) => (
            <tr key={index}>
              <td><time dateTime={entry.time}>{new Date(entry.time).toLocaleString()}</time></td>
              <td>{entry.field}: {show(entry.oldValue)} → {show(entry.newValue)}</td>
              <td>{actorName(entry.actor)} ({entry.source})</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
