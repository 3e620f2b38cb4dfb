// The kitchen board: room-service orders in columns by status, oldest first, each moved on one step
// in one click; new orders highlighted and announced; cancel with a reason. Live through order hints.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { linkTo, replaceRoute, useRoute } from "../route";
import { playChime, unlockChime } from "../kitchen/chime";
import { agoText, formatMoney, hearsOrderHints, mayCancelOrders, mayRunKitchen, minutesSince } from "../kitchen/format";
import { useNow } from "../time";
import { Modal } from "../kitchen/Modal";
import "./Kitchen.css";

interface Line {
  itemId: string;
  kind: "food" | "combo";
  name: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
  comboContents?: { name: string; quantity: number }[];
}

export interface Order {
  id: string;
  roomNumber: string;
  items: Line[];
  totalPrice: string;
  currency: string;
  status: string;
  checkedOutAt: string;
  statusTimes: Record<string, string>;
  deliveredAt: string | null;
  version: number;
}

type OpenStatus = "pending" | "acknowledged" | "preparing" | "on the way";

const OPEN: OpenStatus[] = ["pending", "acknowledged", "preparing", "on the way"];

const COLUMNS: Record<OpenStatus, { title: string; glyph: string }> = {
  pending: { title: "Pending", glyph: "●" },
  acknowledged: { title: "Acknowledged", glyph: "✓" },
  preparing: { title: "Preparing", glyph: "◐" },
  "on the way": { title: "On the way", glyph: "→" },
};

/** The one next step of each open status and the button's words. */
const NEXT: Record<OpenStatus, { status: string; verb: string }> = {
  pending: { status: "acknowledged", verb: "Acknowledge" },
  acknowledged: { status: "preparing", verb: "Start preparing" },
  preparing: { status: "on the way", verb: "Send out" },
  "on the way": { status: "delivered", verb: "Mark delivered" },
};

// Room service ageing: a pending order should be acknowledged within minutes, any open one
// delivered within the half hour guests are usually promised.
const PENDING_LATE_MIN = 5;
const OPEN_LATE_MIN = 30;
const DELIVERED_SHOWN = 10;
const POLL_MS = 30000;

interface Board {
  open: Record<OpenStatus, Order[]>;
  delivered: Order[];
}

async function loadBoard(): Promise<Board> {
  const lists = await Promise.all(
    [...OPEN, "delivered"].map((status) =>
      api<Page<Order>>("GET", "/api/orders", { query: { status, limit: status === "delivered" ? 50 : 500 } }),
    ),
  );
  const oldestFirst = (a: Order, b: Order) => a.checkedOutAt.localeCompare(b.checkedOutAt);
  const open = Object.fromEntries(OPEN.map((status, index) => [status, [...lists[index].items].sort(oldestFirst)])) as Board["open"];
  const today = new Date().toDateString();
  const delivered = lists[OPEN.length].items.filter((o) => o.deliveredAt && new Date(o.deliveredAt).toDateString() === today);
  return { open, delivered };
}

/** A short ticket number the kitchen can say aloud: the end of the order id. */
export function ticket(order: Order): string {
  return `#${order.id.slice(-4).toUpperCase()}`;
}

function orderName(order: Order): string {
  return `Room ${order.roomNumber} order ${ticket(order)}`;
}

function itemCount(order: Order): number {
  return order.items.reduce((sum, line) => sum + line.quantity, 0);
}

function isLate(order: Order, now: number): boolean {
  const age = minutesSince(order.checkedOutAt, now);
  return order.status === "pending" ? age >= PENDING_LATE_MIN : age >= OPEN_LATE_MIN;
}

export function Kitchen({ user }: { user: User }) {
  const route = useRoute();
  const wanted = route.params.get("status") ?? "";
  const filter = (OPEN as string[]).includes(wanted) || wanted === "delivered" ? wanted : "";
  const board = useResource(loadBoard, ["order."]);
  const now = useNow();
  const mayMove = mayRunKitchen(user);
  const mayCancel = mayCancelOrders(user);
  const [message, setMessage] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const seen = useRef<Set<string> | null>(null);

  // Roles outside the order hints' audience (hotelAdmin) refetch on a timer instead.
  const polls = !hearsOrderHints(user);
  useEffect(() => {
    if (!polls) return;
    const timer = window.setInterval(() => void board.reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [polls]);

  // Sound needs a gesture first: the first click or key on the page allows the chime.
  useEffect(() => {
    const unlock = () => unlockChime();
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
    return () => {
      document.removeEventListener("pointerdown", unlock);
      document.removeEventListener("keydown", unlock);
    };
  }, []);

  // A pending order this board has not seen before is new: highlight, announce, chime.
  useEffect(() => {
    if (!board.data) return;
    const all = [...OPEN.flatMap((s) => board.data!.open[s]), ...board.data.delivered];
    if (seen.current === null) {
      seen.current = new Set(all.map((o) => o.id));
      return;
    }
    const arrived = board.data.open.pending.filter((o) => !seen.current!.has(o.id));
    all.forEach((o) => seen.current!.add(o.id));
    if (arrived.length === 0) return;
    setFresh((current) => new Set([...current, ...arrived.map((o) => o.id)]));
    setAnnouncement(
      arrived.map((o) => `New order: room ${o.roomNumber}, ${itemCount(o)} item${itemCount(o) === 1 ? "" : "s"}, ${ticket(o)}.`).join(" "),
    );
    playChime();
  }, [board.data]);

  async function advance(order: Order) {
    const next = NEXT[order.status as OpenStatus];
    if (!next) return;
    setBusy(order.id);
    setMessage(`${orderName(order)}: ${next.verb.toLowerCase()}…`);
    try {
      await api("PATCH", `/api/orders/${encodeURIComponent(order.id)}/status`, { body: { status: next.status }, ifMatch: order.version });
      setMessage(`${orderName(order)} is now ${next.status}.`);
    } catch (caught) {
      const problem = caught as ApiError;
      setMessage(
        problem.status === 409 || problem.status === 412
          ? `${orderName(order)} was not moved: it changed elsewhere (${describeError(problem)}). The board now shows where it is.`
          : `${orderName(order)} was not moved: ${describeError(problem)}`,
      );
    } finally {
      setBusy(null);
      await board.reload();
    }
  }

  async function cancel(order: Order, reason: string): Promise<string | null> {
    try {
      await api("POST", `/api/orders/${encodeURIComponent(order.id)}/cancel`, { body: { reason }, ifMatch: order.version });
      setMessage(`${orderName(order)} is cancelled: ${reason}`);
      setCancelling(null);
      await board.reload();
      return null;
    } catch (caught) {
      const problem = caught as ApiError;
      await board.reload();
      if (problem.status === 409 || problem.status === 412) {
        setCancelling(null);
        setMessage(`${orderName(order)} was not cancelled: it changed elsewhere (${describeError(problem)}). The board now shows where it is.`);
        return null;
      }
      return describeError(problem);
    }
  }

  const showFilter = (status: string) => replaceRoute(linkTo("kitchen", { status: filter === status ? "" : status }));
  const columns = filter === "" ? OPEN : OPEN.filter((s) => s === filter);
  const delivered = board.data?.delivered ?? [];
  const openCount = OPEN.reduce((sum, s) => sum + (board.data?.open[s].length ?? 0), 0);

  return (
    <section aria-labelledby="kitchen-title" class="kt-page">
      <div class="page-head">
        <h1 id="kitchen-title">Kitchen</h1>
        {board.asOf && (
          <span class="muted">
            as of {board.asOf.toLocaleTimeString()}
            {polls && " (refreshed every 30 s)"}
          </span>
        )}
      </div>
      {!mayMove && <p class="muted">View only: the kitchen (restaurant admin) moves and cancels orders.</p>}

      <ul class="summary" aria-label="Orders by status">
        {OPEN.map((status) => (
          <li key={status}>
            <button type="button" class={`count kt-count-${status.replace(/ /g, "-")}`} aria-pressed={filter === status} onClick={() => showFilter(status)}>
              <span aria-hidden="true">{COLUMNS[status].glyph}</span> {board.data?.open[status].length ?? 0} {COLUMNS[status].title.toLowerCase()}
            </button>
          </li>
        ))}
        <li>
          <button type="button" class="count" aria-pressed={filter === "delivered"} onClick={() => showFilter("delivered")}>
            <span aria-hidden="true">✓✓</span> {delivered.length} delivered today
          </button>
        </li>
      </ul>

      <p class="status-line" role="status" aria-live="polite">{message}</p>
      <p class="kt-announcement" role="status" aria-live="polite" aria-label="New orders">{announcement}</p>
      {board.error && <p class="form-error" role="alert">Orders could not be loaded: {describeError(board.error)}</p>}
      {board.data && openCount === 0 && filter !== "delivered" && (
        <p class="kt-empty">No open orders. New room-service orders appear here as guests place them.</p>
      )}

      {filter !== "delivered" && (
        <div class="board kt-board">
          {columns.map((status) => {
            const orders = board.data?.open[status] ?? [];
            return (
              <section key={status} class="column" aria-labelledby={`kcol-${status.replace(/ /g, "-")}`}>
                <h2 id={`kcol-${status.replace(/ /g, "-")}`}>
                  <span aria-hidden="true">{COLUMNS[status].glyph} </span>
                  {COLUMNS[status].title} <span class="muted">({orders.length})</span>
                </h2>
                {orders.length === 0 && <p class="muted kt-column-empty">None.</p>}
                <ul>
                  {orders.map((order) => (
                    <li key={order.id}>
                      <OrderCard
                        order={order}
                        now={now}
                        isNew={fresh.has(order.id) && order.status === "pending"}
                        busy={busy === order.id}
                        mayMove={mayMove}
                        mayCancel={mayCancel}
                        onAdvance={() => void advance(order)}
                        onCancel={() => setCancelling(order)}
                      />
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}

      <details class="kt-delivered" open={filter === "delivered"}>
        <summary>
          Delivered today ({delivered.length}){delivered.length > DELIVERED_SHOWN ? `, the last ${DELIVERED_SHOWN}` : ""}
        </summary>
        {delivered.length === 0 ? (
          <p class="muted">Nothing delivered yet today.</p>
        ) : (
          <ul>
            {delivered.slice(0, DELIVERED_SHOWN).map((order) => (
              <li key={order.id}>
                <strong>Room {order.roomNumber}</strong> {ticket(order)} · {itemCount(order)} items · {formatMoney(order.totalPrice, order.currency)} · delivered{" "}
                <time dateTime={order.deliveredAt ?? ""}>{new Date(order.deliveredAt ?? "").toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</time>
              </li>
            ))}
          </ul>
        )}
      </details>

      {cancelling && <CancelDialog order={cancelling} onCancel={cancel} onClose={() => setCancelling(null)} />}
    </section>
  );
}

function OrderCard(props: {
  order: Order;
  now: number;
  isNew: boolean;
  busy: boolean;
  mayMove: boolean;
  mayCancel: boolean;
  onAdvance: () => void;
  onCancel: () => void;
}) {
  const { order, now, isNew } = props;
  const late = isLate(order, now);
  const next = NEXT[order.status as OpenStatus];
  const classes = ["card", "kt-card", isNew ? "kt-new" : "", late ? "kt-late" : ""].filter(Boolean).join(" ");
  return (
    <article class={classes} aria-label={orderName(order)}>
      <p class="card-head">
        <strong class="kt-room">Room {order.roomNumber}</strong>
        <span class="muted">{ticket(order)}</span>
        {isNew && <span class="kt-tag kt-tag-new">New</span>}
        {late && (
          <span class="kt-tag kt-tag-late">
            <span aria-hidden="true">⚠ </span>Late
          </span>
        )}
      </p>
      <ul class="kt-items" aria-label="Items">
        {order.items.map((line) => (
          <li key={line.itemId}>
            <span class="kt-qty">{line.quantity} ×</span> {line.name}
            {line.comboContents && line.comboContents.length > 0 && (
              <span class="muted kt-combo"> ({line.comboContents.map((c) => `${c.quantity} × ${c.name}`).join(", ")})</span>
            )}
          </li>
        ))}
      </ul>
      <p>
        Total <strong>{formatMoney(order.totalPrice, order.currency)}</strong>
      </p>
      <p class="kt-age" role="timer" title={new Date(order.checkedOutAt).toLocaleString()}>
        <span aria-hidden="true">◷ </span>placed {agoText(order.checkedOutAt, now)}
      </p>
      {(props.mayMove || props.mayCancel) && (
        <div class="actions">
          {props.mayMove && next && (
            <button type="button" class="primary" disabled={props.busy} onClick={props.onAdvance}>
              {props.busy ? "Saving…" : next.verb}
              <span class="sr-only"> {orderName(order)}</span>
            </button>
          )}
          {props.mayCancel && (
            <button type="button" disabled={props.busy} onClick={props.onCancel}>
              Cancel<span class="sr-only"> {orderName(order)}</span>
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function CancelDialog({ order, onCancel, onClose }: { order: Order; onCancel: (order: Order, reason: string) => Promise<string | null>; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (!reason.trim()) {
      setError("Say why the order is cancelled: the guest and the audit log see it.");
      return;
    }
    setBusy(true);
    setError(await onCancel(order, reason.trim()));
    setBusy(false);
  }

  return (
    <Modal title={`Cancel ${orderName(order)}?`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          {itemCount(order)} items, {formatMoney(order.totalPrice, order.currency)}, now {order.status}. The guest is not billed for a cancelled order.
        </p>
        <label>
          Reason (required)
          <textarea
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "cancel-error" : undefined}
          />
        </label>
        {error && (
          <p id="cancel-error" class="kt-field-error" role="alert">
            {error}
          </p>
        )}
        <div class="kt-modal-actions">
          <button type="button" onClick={onClose}>
            Keep the order
          </button>
          <button type="submit" class="kt-danger" disabled={busy}>
            {busy ? "Cancelling…" : "Cancel the order"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
