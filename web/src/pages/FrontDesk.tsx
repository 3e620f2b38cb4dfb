// Arrivals and in-house stays: check-in with the readiness gate (override needs a reason) and
// check-out. Live through booking, customer and room hints.
import { useState } from "preact/hooks";
import { api, ApiError, type Page } from "../api";
import { describeError, useResource } from "../live";
import type { Room } from "./Rooms";

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

/** The hotel's day as the browser sees it (YYYY-MM-DD). */
function today(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function isReady(room: Room | undefined): boolean {
  return !!room && room.frontOfficeStatus === "Vacant" && !room.outOfOrder && (room.housekeepingStatus === "Inspected" || room.housekeepingStatus === "Clean");
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

  const roomByNumber = new Map((rooms.data?.items ?? []).map((r) => [r.roomNumber, r]));
  const todays = (arrivals.data?.items ?? []).filter((b) => b.checkInDate <= day);
  const reloadAll = () => Promise.all([arrivals.reload(), stays.reload(), rooms.reload()]);

  async function checkIn(booking: Booking, override?: string) {
    if (!override && !isReady(roomByNumber.get(booking.roomNumber))) {
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

      <h2 id="arrivals-title">Arriving today ({todays.length})</h2>
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
            const ready = isReady(room);
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
      {arrivals.data && todays.length === 0 && <p class="muted">No arrival waiting.</p>}

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
                <td>{departs}{departs <= day ? " (due out today)" : ""}</td>
                <td>
                  <button type="button" onClick={() => checkOut(stay)}>
                    Check out<span class="sr-only"> {stay.name}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
