// Arrivals and in-house stays: check-in with the readiness gate (override needs a reason),
// extend a stay, check-out. `#/frontdesk?filter=waiting` shows only arrivals whose room is not
// ready. Live through booking, customer and room hints.
import { useState } from "preact/hooks";
import { api, ApiError, type Page } from "../api";
import { addDays, dayLabel, fieldErrors, today } from "../frontoffice/format";
import { isReadyForArrival } from "../frontoffice/readiness";
import { describeError, useResource } from "../live";
import { linkTo, replaceRoute, useRoute } from "../route";
import type { Room } from "./Rooms";
import "../frontoffice/frontoffice.css";

interface Booking {
  id: string;
  roomNumber: string;
  customerName: string;
  checkInDate: string;
  checkOutDate: string;
  bookingStatus: string;
  paymentStatus: string;
}

interface Stay {
  id: string;
  name: string;
  roomNumber: string;
  checkoutDate: string;
  updatedCheckoutDate: string | null;
  status: string;
}

export function FrontDesk() {
  const day = today();
  const arrivals = useResource(
    () => api<Page<Booking>>("GET", "/api/bookings", { query: { status: "confirmed", from: day, limit: 500 } }),
    ["booking.", "customer."],
  );
  const stays = useResource(() => api<Page<Stay>>("GET", "/api/customers", { query: { status: "checked in", limit: 500 } }), ["customer."]);
  const rooms = useResource(() => api<Page<Room>>("GET", "/api/rooms", { query: { limit: 500 } }), ["room.", "customer."]);
  const [message, setMessage] = useState("");
  const [overrideFor, setOverrideFor] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [extending, setExtending] = useState<string | null>(null);

  const roomByNumber = new Map((rooms.data?.items ?? []).map((r) => [r.roomNumber, r]));
  const route = useRoute();
  const onlyWaiting = route.params.get("filter") === "waiting";
  const allToday = (arrivals.data?.items ?? []).filter((b) => b.checkInDate <= day);
  const waiting = allToday.filter((b) => !isReadyForArrival(roomByNumber.get(b.roomNumber)));
  const todays = onlyWaiting ? waiting : allToday;
  const reloadAll = () => Promise.all([arrivals.reload(), stays.reload(), rooms.reload()]);

  async function checkIn(booking: Booking, override?: string) {
    if (!override && !isReadyForArrival(roomByNumber.get(booking.roomNumber))) {
      // The grid already says not ready: ask for the reason first instead of a refused request.
      setOverrideFor(booking.id);
      setMessage(`Room ${booking.roomNumber} is not ready. Check in anyway only with a reason.`);
      return;
    }
    setMessage(`Checking in ${booking.customerName}…`);
    try {
      await api("POST", "/api/customers", { body: override ? { bookingId: booking.id, override: true, reason: override } : { bookingId: booking.id } });
      setMessage(`${booking.customerName} is checked in to room ${booking.roomNumber}.`);
      setOverrideFor(null);
      setReason("");
    } catch (caught) {
      const problem = caught as ApiError;
      if (problem.code === "room_not_ready") {
        setOverrideFor(booking.id);
        setMessage(`Room ${booking.roomNumber} is not ready. Check in anyway only with a reason.`);
      } else {
        setMessage(`Not checked in: ${describeError(problem)}`);
      }
    }
    await reloadAll();
  }

  async function checkOut(stay: Stay) {
    setMessage(`Checking out ${stay.name}…`);
    try {
      await api("POST", `/api/customers/${encodeURIComponent(stay.id)}/checkout`);
      setMessage(`${stay.name} checked out of room ${stay.roomNumber}; the room is now Dirty.`);
    } catch (caught) {
      setMessage(`Not checked out: ${describeError(caught as ApiError)}`);
    }
    await reloadAll();
  }

  return (
    <section aria-labelledby="fd-title">
      <div class="page-head">
        <h1 id="fd-title">Arrivals &amp; departures</h1>
        <span class="muted">{day}</span>
      </div>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {(arrivals.error || stays.error) && <p class="form-error" role="alert">{describeError((arrivals.error || stays.error)!)}</p>}

      <div class="page-head">
        <h2 id="arrivals-title">{onlyWaiting ? `Arriving today, room not ready (${todays.length} of ${allToday.length})` : `Arriving today (${todays.length})`}</h2>
        <button type="button" aria-pressed={onlyWaiting} onClick={() => replaceRoute(linkTo("frontdesk", { filter: onlyWaiting ? undefined : "waiting" }))}>
          Only rooms not ready ({rooms.data ? waiting.length : "…"})
        </button>
      </div>
      <table class="audit" aria-labelledby="arrivals-title">
        <thead>
          <tr>
            <th scope="col">Guest</th>
            <th scope="col">Room</th>
            <th scope="col">Room status</th>
            <th scope="col">Nights</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {todays.map((booking) => {
            const room = roomByNumber.get(booking.roomNumber);
            const ready = isReadyForArrival(room);
            return (
              <tr key={booking.id}>
                <td>{booking.customerName}</td>
                <td>{booking.roomNumber}</td>
                <td>
                  <span class={ready ? "ready" : "not-ready"}>
                    <span aria-hidden="true">{ready ? "✓ " : "✕ "}</span>
                    {ready ? "Ready" : "Not ready"}
                  </span>
                  {room && ` · ${room.frontOfficeStatus}, ${room.housekeepingStatus}`}
                </td>
                <td>{booking.checkInDate} → {booking.checkOutDate}</td>
                <td>
                  <button type="button" onClick={() => checkIn(booking)}>
                    Check in<span class="sr-only"> {booking.customerName}</span>
                  </button>
                  {overrideFor === booking.id && (
                    <form class="override" onSubmit={(e) => { e.preventDefault(); if (reason.trim()) void checkIn(booking, reason.trim()); }}>
                      <label>
                        Override reason
                        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} required maxLength={200} />
                      </label>
                      <button type="submit" disabled={!reason.trim()}>Check in anyway</button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {arrivals.data && todays.length === 0 && (
        <p class="muted">{onlyWaiting && allToday.length > 0 ? "Every arriving guest's room is ready." : "No arrival waiting."}</p>
      )}

      <h2 id="inhouse-title">In house ({stays.data?.items.length ?? 0})</h2>
      <table class="audit" aria-labelledby="inhouse-title">
        <thead>
          <tr>
            <th scope="col">Guest</th>
            <th scope="col">Room</th>
            <th scope="col">Departs</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {stays.data?.items.map((stay) => {
            const departs = stay.updatedCheckoutDate || stay.checkoutDate;
            return (
              <tr key={stay.id}>
                <td>{stay.name}</td>
                <td>{stay.roomNumber}</td>
                <td>
                  {dayLabel(departs)}
                  {departs <= day ? " (due out today)" : ""}
                  {stay.updatedCheckoutDate && <div class="muted fo-small">extended from {dayLabel(stay.checkoutDate)}</div>}
                </td>
                <td>
                  <button type="button" onClick={() => checkOut(stay)}>
                    Check out<span class="sr-only"> {stay.name}</span>
                  </button>{" "}
                  {extending !== stay.id && (
                    <button type="button" onClick={() => setExtending(stay.id)}>
                      Extend stay<span class="sr-only"> {stay.name}</span>
                    </button>
                  )}
                  {extending === stay.id && (
                    <ExtendStay
                      stay={stay}
                      departs={departs}
                      onDone={async (text) => {
                        setMessage(text);
                        setExtending(null);
                        await reloadAll();
                      }}
                      onCancel={() => setExtending(null)}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** A new departure date for an in-house guest; refusals (another booking, not in house) explained. */
function ExtendStay({ stay, departs, onDone, onCancel }: { stay: Stay; departs: string; onDone: (text: string) => Promise<void>; onCancel: () => void }) {
  const [date, setDate] = useState(addDays(departs, 1));
  const [error, setError] = useState("");
  const [saving, setSaving] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError("");
    try {
      const updated = await api<Stay>("PATCH", `/api/customers/${encodeURIComponent(stay.id)}`, { body: { updatedCheckoutDate: date } });
      await onDone(`${stay.name} in room ${stay.roomNumber} now departs ${dayLabel(updated.updatedCheckoutDate ?? date)}.`);
    } catch (caught) {
      const problem = caught as ApiError;
      if (problem.code === "room_unavailable") {
        setError(`Room ${stay.roomNumber} is booked for another guest on some of those nights. Choose an earlier date, or move the guest to another room.`);
      } else if (problem.code === "customer_not_checked_in") {
        setError(`${stay.name} is no longer checked in.`);
      } else if (problem.status === 422) {
        setError(fieldErrors(problem.errors).updatedCheckoutDate ?? describeError(problem));
      } else {
        setError(`Not extended: ${describeError(problem)}`);
      }
    } finally {
      setSaving(false);
    }
  }

  const errorId = `extend-error-${stay.id}`;
  return (
    <form class="fo-inline" aria-label={`Extend the stay of ${stay.name}`} onSubmit={submit}>
      <label>
        New departure
        <input type="date" value={date} min={addDays(departs, 1)} required onInput={(e) => setDate(e.currentTarget.value)} aria-describedby={errorId} aria-invalid={error ? true : undefined} />
      </label>
      <button type="submit" class="primary" disabled={saving || !date}>{saving ? "Saving…" : "Save new date"}</button>
      <button type="button" onClick={onCancel}>Cancel</button>
      <p class="fo-field-error" id={errorId} role={error ? "alert" : undefined}>{error}</p>
    </form>
  );
}
