// Today: what needs the front office or the manager now, each count one tap from the filtered
// view that shows it (UI rule: open on exceptions, not on everything).
import { api, type Page, type User } from "../api";
import { describeError, useResource, type Resource } from "../live";
import { today } from "../frontoffice/format";
import { isReadyForArrival } from "../frontoffice/readiness";
import { linkTo } from "../route";
import type { Room } from "./Rooms";
import { health, when, type SyncStatus } from "./Pms";
import { useNow } from "../time";
import "./Today.css";

interface Booking {
  id: string;
  roomNumber: string;
  customerName: string;
  checkInDate: string;
}

interface Stay {
  id: string;
  name: string;
  roomNumber: string;
  checkoutDate: string;
  updatedCheckoutDate: string | null;
}

interface Task {
  taskId: string;
  room: string;
  type: string;
  department: string;
  status: string;
  priority: string;
  assignedTo: string | null;
  dueDate: string;
  escalationLevel: number;
}

interface Order {
  id: string;
  roomNumber: string;
  status: string;
  createdAt?: string;
}

interface ContactMessage {
  id: string;
  roomNumber: string;
  name: string;
  message: string;
  createdAt?: string;
}

const OPEN_TASK = new Set(["pending", "assigned", "acknowledged", "in_progress", "paused"]);

function overdueMinutes(task: Task, now: number): number {
  return Math.max(0, Math.round((now - Date.parse(task.dueDate)) / 60000));
}

interface CardProps {
  title: string;
  count: number | null;
  /** Words after the number: "arrivals waiting for a ready room". */
  what: string;
  href: string;
  tone: "alert" | "warn" | "calm";
  lines: string[];
  error?: string | null;
  /** Whether the card is quiet; by default when nothing is waiting. */
  calm?: boolean;
}

function Card({ title, count, what, href, tone, lines, error, calm }: CardProps) {
  const quiet = calm ?? count === 0;
  return (
    <li class={`today-card ${quiet ? "calm" : tone}`}>
      <h2>{title}</h2>
      {error ? (
        <p class="error">{error}</p>
      ) : count === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <p class="today-count">
            <span class="today-number">{count}</span> {what}
          </p>
          {quiet ? (
            <p class="muted">
              <span aria-hidden="true">✓</span> Nothing waiting.
            </p>
          ) : (
            <ul class="today-lines">
              {lines.slice(0, 4).map((line) => (
                <li key={line}>{line}</li>
              ))}
              {lines.length > 4 && <li class="muted">and {lines.length - 4} more</li>}
            </ul>
          )}
        </>
      )}
      <a class="today-link" href={href}>
        Show {title.replace(/^[A-Z][a-z]/, (start) => start.toLowerCase())}
      </a>
    </li>
  );
}

function failed<T>(resource: Resource<T>): string | null {
  return resource.error ? describeError(resource.error) : null;
}

export function Today({ user }: { user: User }) {
  const day = today();
  const now = useNow();
  const admin = user.role === "hotelAdmin";
  const rooms = useResource(() => api<Page<Room>>("GET", "/api/rooms", { query: { limit: 500 } }), ["room.", "customer."]);
  const arrivals = useResource(
    () => api<Page<Booking>>("GET", "/api/bookings", { query: { status: "confirmed", from: day, limit: 500 } }),
    ["booking.", "customer."],
    day,
  );
  const stays = useResource(() => api<Page<Stay>>("GET", "/api/customers", { query: { status: "checked in", limit: 500 } }), ["customer."]);
  const tasks = useResource(() => api<Page<Task>>("GET", "/api/tasks", { query: { limit: 500 } }), ["task.", "request."]);
  const messages = useResource(() => api<Page<ContactMessage>>("GET", "/api/contact-messages", { query: { handled: false, limit: 100 } }), ["contact_message."]);
  const pms = useResource(() => (admin ? api<SyncStatus>("GET", "/api/pms/status") : Promise.resolve(null)), admin ? ["room."] : []);
  const orders = useResource(
    () => (admin ? api<Page<Order>>("GET", "/api/orders", { query: { status: "pending", limit: 200 } }) : Promise.resolve(null)),
    admin ? ["order."] : [],
  );

  const roomList = rooms.data?.items ?? [];
  const roomByNumber = new Map(roomList.map((r) => [r.roomNumber, r]));
  const waitingArrivals = (arrivals.data?.items ?? []).filter((b) => b.checkInDate <= day && !isReadyForArrival(roomByNumber.get(b.roomNumber)));
  const departures = (stays.data?.items ?? []).filter((s) => (s.updatedCheckoutDate ?? s.checkoutDate) <= day);
  const openTasks = (tasks.data?.items ?? []).filter((t) => OPEN_TASK.has(t.status));
  const overdue = openTasks.filter((t) => overdueMinutes(t, now) > 0).sort((a, b) => overdueMinutes(b, now) - overdueMinutes(a, now));
  const urgent = openTasks.filter((t) => t.priority === "urgent" || t.escalationLevel > 0);
  const discrepancies = roomList.filter((r) => r.discrepancy);
  const outOfOrder = roomList.filter((r) => r.outOfOrder);
  const unhandled = messages.data?.items ?? [];
  const pendingOrders = orders.data?.items ?? [];

  const loaded = <T,>(resource: Resource<T>, count: number) => (resource.data === null ? null : count);

  return (
    <section aria-labelledby="today-title" class="today">
      <h1 id="today-title">Today</h1>
      <p class="muted">
        {new Date().toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" })} · what needs someone now. Each box opens the filtered list.
      </p>
      <ul class="today-cards">
        {admin && (
          <Card
            title="PMS sync"
            count={pms.data ? pms.data.pending + pms.data.failed : null}
            what={pms.data ? `changes waiting or failed · ${health(pms.data).text}` : ""}
            href={linkTo("pms")}
            tone={pms.data && health(pms.data).tone === "bad" ? "alert" : "warn"}
            calm={pms.data ? health(pms.data).tone === "ok" : false}
            lines={
              pms.data
                ? [`Last successful call with OPERA ${when(pms.data.lastSuccessAt)}`, ...pms.data.failedItems.map((f) => `${f.kind === "charge" ? "Charge" : "Room"} ${f.roomNumber ?? ""}: ${f.lastError ?? "failed"}`)]
                : []
            }
            error={failed(pms)}
          />
        )}
        <Card
          title="Arrivals"
          count={rooms.data && arrivals.data ? waitingArrivals.length : null}
          what="arriving guests waiting for a ready room"
          href={linkTo("frontdesk", { filter: "waiting" })}
          tone="alert"
          lines={waitingArrivals.map((b) => {
            const room = roomByNumber.get(b.roomNumber);
            return `${b.customerName} · room ${b.roomNumber}: ${room ? (room.outOfOrder ? "out of order" : room.frontOfficeStatus === "Occupied" ? "still occupied" : room.housekeepingStatus) : "unknown room"}`;
          })}
          error={failed(arrivals) ?? failed(rooms)}
        />
        <Card
          title="Overdue tasks"
          count={loaded(tasks, overdue.length)}
          what="requests past their SLA"
          href={linkTo("tasks", { filter: "overdue" })}
          tone="alert"
          lines={overdue.map((t) => `Room ${t.room} · ${t.type} · overdue ${overdueMinutes(t, now)} min · ${t.assignedTo ?? "nobody assigned"}`)}
          error={failed(tasks)}
        />
        <Card
          title="Urgent and escalated"
          count={loaded(tasks, urgent.length)}
          what="urgent or escalated requests open"
          href={linkTo("tasks", { filter: "urgent" })}
          tone="warn"
          lines={urgent.map((t) => `Room ${t.room} · ${t.type} · ${t.priority}${t.escalationLevel ? ` · escalated L${t.escalationLevel}` : ""}`)}
          error={failed(tasks)}
        />
        <Card
          title="Departures"
          count={loaded(stays, departures.length)}
          what="guests due to check out"
          href={linkTo("frontdesk")}
          tone="warn"
          lines={departures.map((s) => `${s.name} · room ${s.roomNumber}`)}
          error={failed(stays)}
        />
        <Card
          title="Discrepancies"
          count={loaded(rooms, discrepancies.length)}
          what="rooms where housekeeping and the front desk disagree"
          href={linkTo("rooms", { discrepancies: 1 })}
          tone="alert"
          lines={discrepancies.map((r) => `Room ${r.roomNumber} · ${r.discrepancy === "Skip" ? "Skip: FO occupied, HK vacant" : "Sleep: FO vacant, HK occupied"}`)}
          error={failed(rooms)}
        />
        <Card
          title="Out of order"
          count={loaded(rooms, outOfOrder.length)}
          what="rooms out of order or service"
          href={linkTo("rooms", { outOfOrder: 1 })}
          tone="warn"
          lines={outOfOrder.map((r) => `Room ${r.roomNumber} · ${r.outOfOrder?.reason ?? ""} · until ${r.outOfOrder?.to?.slice(0, 10) ?? "?"}`)}
          error={failed(rooms)}
        />
        <Card
          title="Guest messages"
          count={loaded(messages, unhandled.length)}
          what="guest messages nobody has handled yet"
          href={linkTo("messages")}
          tone="warn"
          lines={unhandled.map((m) => `Room ${m.roomNumber} · ${m.name}: ${m.message.length > 60 ? `${m.message.slice(0, 60)}…` : m.message}`)}
          error={failed(messages)}
        />
        {admin && (
          <Card
            title="Room service"
            count={loaded(orders, pendingOrders.length)}
            what="orders waiting for the kitchen to acknowledge"
            href={linkTo("kitchen", { status: "pending" })}
            tone="warn"
            lines={pendingOrders.map((o) => `Room ${o.roomNumber} · order ${o.id.slice(0, 8)}`)}
            error={failed(orders)}
          />
        )}
      </ul>
    </section>
  );
}
