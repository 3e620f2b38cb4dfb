// The live room grid by floor: two status axes never merged, colour always with glyph and text,
// filters, and the housekeeping moves this role may make (PATCH with If-Match).
import { useMemo, useState } from "preact/hooks";
import { linkTo, replaceRoute, useRoute } from "../route";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { allowedMoves } from "../roles";
import { RoomDrawer } from "../components/RoomDrawer";
import { untilText } from "../time";

export interface Room {
  roomNumber: string;
  roomType: string;
  floor: number;
  housekeepingStatus: "Dirty" | "Pickup" | "Clean" | "Inspected";
  frontOfficeStatus: "Vacant" | "Occupied";
  hkOccupancy: "Vacant" | "Occupied" | null;
  discrepancy: "Sleep" | "Skip" | null;
  outOfOrder: { kind: "OutOfOrder" | "OutOfService"; reason: string; from: string; to: string } | null;
  guestServiceStatus: "None" | "DoNotDisturb" | "MakeUpRoom";
  guestName: string | null;
  version: number;
}

const GLYPH: Record<string, string> = { Dirty: "✕", Pickup: "↺", Clean: "✓", Inspected: "✓✓" };
const STATUSES = ["Dirty", "Pickup", "Clean", "Inspected"] as const;

function roomCode(room: Room): string {
  if (room.outOfOrder) return room.outOfOrder.kind === "OutOfOrder" ? "OOO" : "OOS";
  if (room.housekeepingStatus === "Pickup") return "PU";
  const occupancy = room.frontOfficeStatus === "Occupied" ? "O" : "V";
  return occupancy + room.housekeepingStatus[0];
}

function discrepancyText(room: Room): string | null {
  if (room.discrepancy === "Skip") return "FO Occ · HK Vac (Skip)";
  if (room.discrepancy === "Sleep") return "FO Vac · HK Occ (Sleep)";
  return null;
}

interface Filters {
  status: string;
  occupancy: string;
  floor: string;
  type: string;
  discrepancies: boolean;
  outOfOrder: boolean;
}

const NO_FILTERS: Filters = { status: "", occupancy: "", floor: "", type: "", discrepancies: false, outOfOrder: false };

// The filters live in the hash (`#/rooms?status=Dirty&floor=2`), so another page can link to them.
function filtersFrom(params: URLSearchParams): Filters {
  return {
    status: params.get("status") ?? "",
    occupancy: params.get("occupancy") ?? "",
    floor: params.get("floor") ?? "",
    type: params.get("type") ?? "",
    discrepancies: params.get("discrepancies") === "1",
    outOfOrder: params.get("outOfOrder") === "1",
  };
}

function linkFor(f: Filters): string {
  return linkTo("rooms", { ...f, discrepancies: f.discrepancies ? 1 : undefined, outOfOrder: f.outOfOrder ? 1 : undefined });
}

function matches(room: Room, f: Filters): boolean {
  return (
    (!f.status || room.housekeepingStatus === f.status) &&
    (!f.occupancy || room.frontOfficeStatus === f.occupancy) &&
    (!f.floor || String(room.floor) === f.floor) &&
    (!f.type || room.roomType === f.type) &&
    (!f.discrepancies || room.discrepancy !== null) &&
    (!f.outOfOrder || room.outOfOrder !== null)
  );
}

export function Rooms({ user }: { user: User }) {
  const rooms = useResource(() => api<Page<Room>>("GET", "/api/rooms", { query: { limit: 500 } }), ["room.", "customer."]);
  const filters = filtersFrom(useRoute().params);
  const setFilters = (next: Filters) => replaceRoute(linkFor(next));
  const [pending, setPending] = useState<Record<string, string>>({});
  const [message, setMessage] = useState("");
  const [drawer, setDrawer] = useState<string | null>(null);

  const all = rooms.data?.items ?? [];
  const floors = useMemo(() => [...new Set(all.map((r) => r.floor))].sort((a, b) => a - b), [all]);
  const types = useMemo(() => [...new Set(all.map((r) => r.roomType))].sort(), [all]);
  const shown = all.filter((room) => matches(room, filters));
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });

  const counts = {
    Dirty: all.filter((r) => r.housekeepingStatus === "Dirty").length,
    Pickup: all.filter((r) => r.housekeepingStatus === "Pickup").length,
    Clean: all.filter((r) => r.housekeepingStatus === "Clean").length,
    Inspected: all.filter((r) => r.housekeepingStatus === "Inspected").length,
    discrepancies: all.filter((r) => r.discrepancy).length,
    outOfOrder: all.filter((r) => r.outOfOrder).length,
  };

  async function move(room: Room, to: string) {
    setPending({ ...pending, [room.roomNumber]: to });
    setMessage(`Saving room ${room.roomNumber} as ${to}…`);
    try {
      await api("PATCH", `/api/rooms/${encodeURIComponent(room.roomNumber)}/status`, {
        body: { housekeepingStatus: to },
        ifMatch: room.version,
      });
      setMessage(`Room ${room.roomNumber} is now ${to}.`);
    } catch (caught) {
      const problem = caught as ApiError;
      setMessage(
        problem.status === 412
          ? `Room ${room.roomNumber} was changed by someone else meanwhile; the grid shows its current status. Try again if still needed.`
          : `Room ${room.roomNumber} was not changed: ${describeError(problem)}`,
      );
    } finally {
      setPending((current) => {
        const next = { ...current };
        delete next[room.roomNumber];
        return next;
      });
      await rooms.reload();
    }
  }

  return (
    <section aria-labelledby="rooms-title">
      <div class="page-head">
        <h1 id="rooms-title">Rooms</h1>
        {rooms.asOf && <span class="muted">as of {rooms.asOf.toLocaleTimeString()}</span>}
      </div>

      <ul class="summary" aria-label="Needs attention">
        {STATUSES.map((status) => (
          <li key={status}>
            <button type="button" class={`count hk-${status.toLowerCase()}`} aria-pressed={filters.status === status} onClick={() => set({ status: filters.status === status ? "" : status })}>
              <span aria-hidden="true">{GLYPH[status]}</span> {counts[status]} {status}
            </button>
          </li>
        ))}
        <li>
          <button type="button" class="count alert" aria-pressed={filters.discrepancies} onClick={() => set({ discrepancies: !filters.discrepancies })}>
            <span aria-hidden="true">!</span> {counts.discrepancies} discrepancies
          </button>
        </li>
        <li>
          <button type="button" class="count ooo" aria-pressed={filters.outOfOrder} onClick={() => set({ outOfOrder: !filters.outOfOrder })}>
            <span aria-hidden="true">⚒</span> {counts.outOfOrder} out of order/service
          </button>
        </li>
      </ul>

      <form class="filters" aria-label="Room filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Housekeeping
          <select value={filters.status} onChange={(e) => set({ status: e.currentTarget.value })}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Occupancy
          <select value={filters.occupancy} onChange={(e) => set({ occupancy: e.currentTarget.value })}>
            <option value="">All</option>
            <option value="Vacant">Vacant</option>
            <option value="Occupied">Occupied</option>
          </select>
        </label>
        <label>
          Floor
          <select value={filters.floor} onChange={(e) => set({ floor: e.currentTarget.value })}>
            <option value="">All</option>
            {floors.map((f) => (
              <option key={f} value={String(f)}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={filters.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            <option value="">All</option>
            {types.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={filters.discrepancies} onChange={(e) => set({ discrepancies: e.currentTarget.checked })} />
          Discrepancies only
        </label>
        <button type="button" onClick={() => setFilters(NO_FILTERS)}>
          Clear filters
        </button>
      </form>

      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {rooms.error && <p class="form-error" role="alert">Rooms could not be loaded: {describeError(rooms.error)}</p>}
      {rooms.loading && !rooms.data && <p>Loading rooms…</p>}
      {rooms.data && shown.length === 0 && <p>No room matches these filters.</p>}

      {floors.map((floor) => {
        const onFloor = shown.filter((r) => r.floor === floor);
        if (onFloor.length === 0) return null;
        return (
          <section key={floor} class="floor" aria-labelledby={`floor-${floor}`}>
            <h2 id={`floor-${floor}`}>Floor {floor}</h2>
            <ul class="tiles">
              {onFloor.map((room) => (
                <RoomTile key={room.roomNumber} room={room} moves={room.outOfOrder ? [] : allowedMoves(user, room.housekeepingStatus)} pending={pending[room.roomNumber]} onMove={(to) => move(room, to)} onOpen={() => setDrawer(room.roomNumber)} />
              ))}
            </ul>
          </section>
        );
      })}

      {drawer && all.some((r) => r.roomNumber === drawer) && (
        <RoomDrawer room={all.find((r) => r.roomNumber === drawer)!} user={user} onClose={() => setDrawer(null)} />
      )}

      <details class="legend">
        <summary>Legend</summary>
        <dl>
          <dt>VD / OD</dt><dd>Vacant / Occupied, Dirty ✕</dd>
          <dt>PU</dt><dd>Pickup (light touch-up) ↺</dd>
          <dt>VC / OC</dt><dd>Vacant / Occupied, Clean ✓</dd>
          <dt>VI</dt><dd>Vacant, Inspected ✓✓ (ready to sell)</dd>
          <dt>OOO / OOS</dt><dd>Out of order (not sellable) / out of service ⚒</dd>
          <dt>DND / MUR</dt><dd>Do not disturb ☾ / Make up room ✧</dd>
          <dt>!</dt><dd>Front office and housekeeping disagree on occupancy</dd>
        </dl>
      </details>
    </section>
  );
}

function RoomTile({ room, moves, pending, onMove, onOpen }: { room: Room; moves: string[]; pending?: string; onMove: (to: string) => void; onOpen: () => void }) {
  const code = roomCode(room);
  const discrepancy = discrepancyText(room);
  const statusClass = room.outOfOrder ? "ooo" : `hk-${room.housekeepingStatus.toLowerCase()}`;
  return (
    <li>
    <div class={`tile ${statusClass}${room.guestServiceStatus === "DoNotDisturb" ? " dnd" : ""}`} role="group" aria-label={`Room ${room.roomNumber}`}>
      <div class="tile-head">
        <span class="room-number">{room.roomNumber}</span>
        <span class="code" title={code}>{code}</span>
      </div>
      <button type="button" class="link details" aria-label={`Details for room ${room.roomNumber}`} onClick={onOpen}>
        Details
      </button>
      <p class="hk">
        <span aria-hidden="true">{GLYPH[room.housekeepingStatus]}</span> {room.housekeepingStatus}
      </p>
      <p class="occupancy">
        {room.frontOfficeStatus}
        {room.guestName ? ` · ${room.guestName}` : ""}
      </p>
      <p class="type muted">{room.roomType}</p>
      {room.outOfOrder && (
        <p class="badge-line">
          <span aria-hidden="true">⚒</span> {room.outOfOrder.kind === "OutOfOrder" ? "Out of order" : "Out of service"} until {untilText(room.outOfOrder.to)}: {room.outOfOrder.reason}
        </p>
      )}
      {room.guestServiceStatus === "DoNotDisturb" && <p class="badge-line"><span aria-hidden="true">☾</span> Do not disturb</p>}
      {room.guestServiceStatus === "MakeUpRoom" && <p class="badge-line"><span aria-hidden="true">✧</span> Make up room</p>}
      {discrepancy && <p class="badge-line discrepancy"><span aria-hidden="true">!</span> {discrepancy}</p>}
      {pending ? (
        <p class="saving" aria-live="polite">Saving as {pending}…</p>
      ) : (
        moves.length > 0 && (
          <div class="actions">
            {moves.map((to) => (
              <button key={to} type="button" aria-label={`Mark room ${room.roomNumber} ${to}`} onClick={() => onMove(to)}>
                {to}
              </button>
            ))}
          </div>
        )
      )}
    </div>
    </li>
  );
}
