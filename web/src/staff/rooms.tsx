// The rooms of my department: status as word, glyph and colour; one tap for each move my role may
// make; a supervisor inspects Clean rooms (Pass, or Fail with a reason → Pickup and a re-clean).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { allowedMoves } from "../roles";
import { enqueue, onSent, pendingFor, type Change } from "./queue";
import { t, tr } from "./strings";
import { AsOf } from "./asof";

interface Room {
  roomNumber: string;
  floor: number;
  housekeepingStatus: string;
  frontOfficeStatus: "Vacant" | "Occupied";
  outOfOrder: { kind: "OutOfOrder" | "OutOfService" } | null;
  guestServiceStatus: "None" | "DoNotDisturb" | "MakeUpRoom";
  version: number;
}

type RoomList = Page<Room> & { offlineAsOf?: string };

const GLYPH: Record<string, string> = { Dirty: "✕", Pickup: "↺", Clean: "✓", Inspected: "✓✓" };
type Filter = "all" | "toClean" | "toInspect";

/** The moves this person may make with one tap. Housekeeping staff may set what the front office
 * may (Dirty, Pickup, Clean; never Inspected); a supervisor inspects through Pass/Fail instead;
 * other departments only look. */
function movesFor(user: User, from: string): string[] {
  return allowedMoves(user, from).filter((to) => to !== "Inspected");
}

function Inspection({ room, onDone, send }: { room: Room; onDone: () => void; send: (to: string, reason?: string) => void }) {
  const [failing, setFailing] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (failing) reasonRef.current?.focus();
  }, [failing]);

  function fail(event: Event) {
    event.preventDefault();
    if (!reason.trim()) {
      setError(t("reasonRequired"));
      reasonRef.current?.focus();
      return;
    }
    send("Pickup", reason.trim());
    onDone();
  }

  if (!failing) {
    return (
      <div class="st-actions">
        <button type="button" class="st-primary st-pass" aria-label={t("passRoom", { room: room.roomNumber })} onClick={() => (send("Inspected"), onDone())}>
          <span aria-hidden="true">✓✓ </span>
          {t("pass")}
        </button>
        <button type="button" class="st-danger" onClick={() => setFailing(true)}>
          <span aria-hidden="true">✕ </span>
          {t("fail")}
        </button>
        <button type="button" onClick={onDone}>
          {t("cancel")}
        </button>
      </div>
    );
  }
  return (
    <form class="st-note-form" onSubmit={fail} noValidate>
      <label for={`reason-${room.roomNumber}`}>{t("failReason")}</label>
      <textarea
        id={`reason-${room.roomNumber}`}
        ref={reasonRef}
        value={reason}
        maxLength={500}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={`reason-error-${room.roomNumber}`}
        onInput={(event) => setReason(event.currentTarget.value)}
      />
      <p id={`reason-error-${room.roomNumber}`} class={error ? "st-error" : "st-error st-empty"} role="alert">
        {error}
      </p>
      <div class="st-actions">
        <button type="submit" class="st-danger">
          {t("failRoom", { room: room.roomNumber })}
        </button>
        <button type="button" onClick={onDone}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

function RoomRow({ room, user, changes }: { room: Room; user: User; changes: Change[] }) {
  const [inspecting, setInspecting] = useState(false);
  const pending = pendingFor("room", room.roomNumber, changes);
  const status = pending?.to ?? room.housekeepingStatus;
  const version = pending?.version ?? room.version;
  const moves = movesFor(user, status);
  const mayInspect = user.role === "supervisor" && status === "Clean";

  function send(to: string, reason?: string) {
    const body: Record<string, unknown> = { housekeepingStatus: to };
    if (reason) body.reason = reason;
    void enqueue({ kind: "room", target: room.roomNumber, method: "PATCH", path: `/api/rooms/${encodeURIComponent(room.roomNumber)}/status`, body, version, userId: user.id, to });
  }

  return (
    <li>
      <section class={`st-card st-room st-hk-${status}`} role="group" aria-label={t("roomLabel", { room: room.roomNumber })}>
        <div class="st-card-head">
          <span class="st-room-number">{room.roomNumber}</span>
          <span class={`st-badge st-hk-badge-${status}`}>
            <span aria-hidden="true">{GLYPH[status] ?? "•"} </span>
            {tr("hk_", status)}
          </span>
        </div>
        <p class="st-meta">
          {room.frontOfficeStatus === "Occupied" ? t("occupied") : t("vacant")}
          {room.outOfOrder && <span> · ⊘ {room.outOfOrder.kind === "OutOfOrder" ? t("outOfOrder") : t("outOfService")}</span>}
          {room.guestServiceStatus === "DoNotDisturb" && <span> · ☾ {t("doNotDisturb")}</span>}
          {room.guestServiceStatus === "MakeUpRoom" && <span> · {t("makeUpRoom")}</span>}
          {pending && <span class="st-pending"> · ◷ {t("waiting")}</span>}
        </p>
        {inspecting ? (
          <Inspection room={room} send={send} onDone={() => setInspecting(false)} />
        ) : (
          (moves.length > 0 || mayInspect) && (
            <div class="st-actions">
              {mayInspect && (
                <button type="button" class="st-primary" aria-label={t("inspectRoom", { room: room.roomNumber })} onClick={() => setInspecting(true)}>
                  {t("inspect")}
                </button>
              )}
              {moves.map((to) => (
                <button key={to} type="button" class={`st-move st-move-${to}`} aria-label={t("markRoom", { room: room.roomNumber, status: tr("hk_", to) })} onClick={() => send(to)}>
                  <span aria-hidden="true">{GLYPH[to]} </span>
                  {tr("hk_", to)}
                </button>
              ))}
            </div>
          )
        )}
      </section>
    </li>
  );
}

export function RoomsTab({ user, changes, online }: { user: User; changes: Change[]; online: boolean }) {
  const [filter, setFilter] = useState<Filter>("all");
  const rooms = useResource(() => api<RoomList>("GET", "/api/rooms", { query: { limit: 500 } }), ["room.", "customer."]);
  useEffect(() => onSent(() => rooms.reload()), []);
  const readOnly = user.role === "staff" && user.department !== "housekeeping";

  const shown = (rooms.data?.items ?? []).filter((room) => {
    const status = pendingFor("room", room.roomNumber, changes)?.to ?? room.housekeepingStatus;
    if (filter === "toClean") return status === "Dirty" || status === "Pickup";
    if (filter === "toInspect") return status === "Clean";
    return true;
  });
  const filters: [Filter, string][] = [
    ["all", t("filterAll")],
    ["toClean", t("filterToClean")],
    ...(user.role === "supervisor" ? ([["toInspect", t("filterToInspect")]] as [Filter, string][]) : []),
  ];

  return (
    <section aria-labelledby="st-rooms-title">
      <div class="st-section-head">
        <h1 id="st-rooms-title">{t("rooms")}</h1>
        <AsOf asOf={rooms.asOf} offlineAsOf={rooms.data?.offlineAsOf} online={online} />
      </div>
      {readOnly && <p class="st-note">{t("readOnlyRooms")}</p>}
      {!readOnly && (
        <div class="st-segmented" role="group" aria-label={t("filterRooms")}>
          {filters.map(([id, label]) => (
            <button key={id} type="button" aria-pressed={filter === id} onClick={() => setFilter(id)}>
              {label}
            </button>
          ))}
        </div>
      )}
      {rooms.error && !rooms.data && <p class="st-error">{t("errorLoading", { detail: describeError(rooms.error) })}</p>}
      {rooms.data && shown.length === 0 && <p class="st-empty-state">{t("noRooms")}</p>}
      <ul class="st-list">
        {shown.map((room) => (
          <RoomRow key={room.roomNumber} room={room} user={user} changes={changes} />
        ))}
      </ul>
    </section>
  );
}
