// Bookings: find a free room for some nights, book it (the guest's code is shown once), and the
// list of bookings with filters and cancel. Live through booking and check-in hints.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { addDays, dayLabel, fieldErrors, money, nightsBetween, today } from "../frontoffice/format";
import { describeError, useResource } from "../live";
import { linkTo, replaceRoute, useRoute } from "../route";
import "../frontoffice/frontoffice.css";
import "./Bookings.css";

interface AvailableRoom {
  roomNumber: string;
  roomType: string;
  price: number;
  capacity: number;
  floor: number;
  facilities: string[];
}

export interface Booking {
  id: string;
  roomNumber: string;
  customerName: string;
  customerEmail: string | null;
  checkInDate: string;
  checkOutDate: string;
  totalAmount: number;
  partialPayment?: number;
  paymentStatus: string;
  bookingStatus: string;
  specialId?: string;
  bookedAt?: string;
}

interface Search {
  from: string;
  to: string;
  roomType: string;
}

const ROOM_TYPES = ["Standard", "Deluxe", "Economy", "Suite"];
const STATUSES: [string, string][] = [
  ["", "Any status"],
  ["confirmed", "Confirmed"],
  ["checked in", "Checked in"],
  ["checked out", "Checked out"],
  ["cancelled", "Cancelled"],
];
const STATUS_GLYPH: Record<string, string> = { confirmed: "●", "checked in": "⌂", "checked out": "→", cancelled: "✕" };
const PAGE_SIZE = 20;

export function Bookings({ user }: { user: User }) {
  const [search, setSearch] = useState<Search | null>(null);
  const [picked, setPicked] = useState<AvailableRoom | null>(null);
  const [confirmed, setConfirmed] = useState<Booking | null>(null);
  const [message, setMessage] = useState("");

  function booked(booking: Booking) {
    setPicked(null);
    setConfirmed(booking);
    setMessage(`Booked room ${booking.roomNumber} for ${booking.customerName}.`);
  }

  return (
    <section aria-labelledby="bookings-title" class="bookings">
      <div class="page-head">
        <h1 id="bookings-title">Bookings</h1>
        <span class="muted">signed in as {user.username}</span>
      </div>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {confirmed && <Confirmation booking={confirmed} onDone={() => { setConfirmed(null); setMessage(""); }} />}
      <FindRoom
        onSearch={(next) => { setSearch(next); setPicked(null); }}
        search={search}
        picked={picked}
        onPick={(room) => { setPicked(room); setConfirmed(null); }}
      />
      {search && picked && <NewBooking room={picked} search={search} onBooked={booked} onBack={() => setPicked(null)} />}
      <BookingList onMessage={setMessage} />
    </section>
  );
}

// --- availability -----------------------------------------------------------------------------

function FindRoom({ search, onSearch, picked, onPick }: { search: Search | null; onSearch: (s: Search) => void; picked: AvailableRoom | null; onPick: (r: AvailableRoom) => void }) {
  const start = today();
  const [from, setFrom] = useState(start);
  const [to, setTo] = useState(addDays(start, 1));
  const [roomType, setRoomType] = useState("");
  const [dateError, setDateError] = useState("");
  const available = useResource(
    () => (search ? api<Page<AvailableRoom>>("GET", "/api/rooms/availability", { query: { ...search } }) : Promise.resolve(null)),
    search ? ["booking.", "room."] : [],
    search ? `${search.from}/${search.to}/${search.roomType}` : "",
  );
  const errors = available.error?.status === 422 ? fieldErrors(available.error.errors) : {};
  const nights = search ? nightsBetween(search.from, search.to) : 0;

  function submit(event: Event) {
    event.preventDefault();
    if (to <= from) {
      setDateError("The departure day must be after the arrival day.");
      return;
    }
    setDateError("");
    onSearch({ from, to, roomType });
  }

  return (
    <section class="fo-panel" aria-labelledby="find-title">
      <h2 id="find-title">Find a free room</h2>
      <form class="filters" aria-label="Find a free room" onSubmit={submit} noValidate>
        <label>
          Arrival
          <input type="date" value={from} min="2000-01-01" max="2100-12-31" required onInput={(e) => setFrom(e.currentTarget.value)} aria-describedby="search-date-error" />
        </label>
        <label>
          Departure
          <input type="date" value={to} min="2000-01-01" max="2100-12-31" required onInput={(e) => setTo(e.currentTarget.value)} aria-describedby="search-date-error" />
        </label>
        <label>
          Room type
          <select value={roomType} onChange={(e) => setRoomType(e.currentTarget.value)}>
            <option value="">Any type</option>
            {ROOM_TYPES.map((type) => <option key={type} value={type}>{type}</option>)}
          </select>
        </label>
        <button type="submit" class="primary">Search</button>
      </form>
      <p id="search-date-error" class="fo-field-error">{dateError || errors.from || errors.to || ""}</p>
      {available.error && available.error.status !== 422 && <p class="form-error" role="alert">Could not search: {describeError(available.error)}</p>}
      {search && available.data && (
        available.data.items.length === 0 ? (
          <p class="fo-empty">No room is free from {dayLabel(search.from)} to {dayLabel(search.to)}{search.roomType ? ` as ${search.roomType}` : ""}. Try other days or any room type.</p>
        ) : (
          <table class="audit" aria-label={`Free rooms, ${nights} ${nights === 1 ? "night" : "nights"} from ${search.from}`}>
            <caption class="fo-caption">
              {available.data.items.length} free {available.data.items.length === 1 ? "room" : "rooms"}, {dayLabel(search.from)} → {dayLabel(search.to)} ({nights} {nights === 1 ? "night" : "nights"})
            </caption>
            <thead>
              <tr>
                <th scope="col">Room</th>
                <th scope="col">Type</th>
                <th scope="col">Sleeps</th>
                <th scope="col">Per night</th>
                <th scope="col">Total</th>
                <th scope="col"><span class="sr-only">Action</span></th>
              </tr>
            </thead>
            <tbody>
              {available.data.items.map((room) => (
                <tr key={room.roomNumber} class={picked?.roomNumber === room.roomNumber ? "fo-picked" : ""}>
                  <td class="fo-room">{room.roomNumber}</td>
                  <td>{room.roomType}</td>
                  <td>{room.capacity}</td>
                  <td>{money(room.price)}</td>
                  <td>{money(room.price * nights)}</td>
                  <td>
                    <button type="button" onClick={() => onPick(room)} aria-pressed={picked?.roomNumber === room.roomNumber}>
                      Book room {room.roomNumber}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}

// --- a new booking ------------------------------------------------------------------------------

function NewBooking({ room, search, onBooked, onBack }: { room: AvailableRoom; search: Search; onBooked: (b: Booking) => void; onBack: () => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [deposit, setDeposit] = useState("");
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState("");
  const nights = nightsBetween(search.from, search.to);
  const total = room.price * nights;
  const nameInput = useRef<HTMLInputElement>(null);
  // The form opens below a possibly long list: take the person (and the keyboard) to it.
  useEffect(() => {
    nameInput.current?.focus();
    nameInput.current?.scrollIntoView({ block: "center" });
  }, [room.roomNumber]);

  async function submit(event: Event) {
    event.preventDefault();
    const body: Record<string, unknown> = {
      roomNumber: room.roomNumber,
      customerName: name.trim(),
      customerEmail: email.trim(),
      checkInDate: search.from,
      checkOutDate: search.to,
    };
    if (deposit.trim() !== "") body.partialPayment = Number(deposit);
    setSaving(true);
    setErrors({});
    setProblem("");
    try {
      onBooked(await api<Booking>("POST", "/api/bookings", { body }));
    } catch (caught) {
      const error = caught as ApiError;
      if (error.status === 422) {
        setErrors(fieldErrors(error.errors));
        setProblem("Check the highlighted fields.");
      } else if (error.code === "room_unavailable") {
        setProblem(`Room ${room.roomNumber} is no longer free on these nights (booked meanwhile or out of order). Search again and pick another room.`);
      } else if (error.code === "room_not_found") {
        setProblem(`Room ${room.roomNumber} no longer exists. Search again.`);
      } else {
        setProblem(`Not booked: ${describeError(error)}`);
      }
    } finally {
      setSaving(false);
    }
  }

  const field = (key: string) => (errors[key] ? { "aria-invalid": true, "aria-describedby": `err-${key}` } : {});
  const dates = errors.checkInDate || errors.checkOutDate;

  return (
    <section class="fo-panel" aria-labelledby="new-booking-title">
      <h2 id="new-booking-title">New booking: room {room.roomNumber}</h2>
      <p>
        {room.roomType}, {dayLabel(search.from)} → {dayLabel(search.to)}, {nights} {nights === 1 ? "night" : "nights"} × {money(room.price)} = <strong>{money(total)}</strong>
      </p>
      {dates && <p class="fo-field-error" id="err-dates">Dates: {dates}</p>}
      <form class="booking-form" aria-label={`New booking for room ${room.roomNumber}`} onSubmit={submit}>
        <label>
          Guest name
          <input ref={nameInput} value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={120} autoComplete="off" {...field("customerName")} />
          <span class="fo-field-error" id="err-customerName">{errors.customerName ?? ""}</span>
        </label>
        <label>
          Guest email
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required maxLength={254} autoComplete="off" {...field("customerEmail")} />
          <span class="fo-field-error" id="err-customerEmail">{errors.customerEmail ?? ""}</span>
        </label>
        <label>
          Paid now (optional)
          <input type="number" inputMode="decimal" min="0" max={total} step="0.01" value={deposit} onInput={(e) => setDeposit(e.currentTarget.value)} {...field("partialPayment")} />
          <span class="fo-field-error" id="err-partialPayment">{errors.partialPayment ?? ""}</span>
        </label>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={saving}>{saving ? "Booking…" : "Create booking"}</button>
          <button type="button" onClick={onBack}>Choose another room</button>
        </div>
      </form>
      {problem && <p class="form-error" role="alert">{problem}</p>}
    </section>
  );
}

function Confirmation({ booking, onDone }: { booking: Booking; onDone: () => void }) {
  return (
    <section class="fo-panel booking-confirmation" aria-labelledby="confirmation-title">
      <h2 id="confirmation-title"><span aria-hidden="true">✓ </span>Booking confirmed: room {booking.roomNumber}</h2>
      <p>
        {booking.customerName}, {dayLabel(booking.checkInDate)} → {dayLabel(booking.checkOutDate)}. Total {money(booking.totalAmount)}, <PaymentStatus status={booking.paymentStatus} />.
      </p>
      <p class="code-line">
        Booking code for the guest: <code class="booking-code">{booking.specialId}</code>
      </p>
      <p class="muted">Give it to the guest now (it opens the in-room app); it is not shown again on this screen.</p>
      <button type="button" onClick={onDone}>Done, code given</button>
    </section>
  );
}

function PaymentStatus({ status }: { status: string }) {
  const glyph = status === "paid" ? "✓" : status === "partially paid" ? "◐" : "○";
  return (
    <span class={`payment payment-${status.replace(/\s+/g, "-")}`}>
      <span aria-hidden="true">{glyph} </span>
      {status}
    </span>
  );
}

// --- the list -----------------------------------------------------------------------------------

interface ListFilters {
  status: string;
  room: string;
  from: string;
  to: string;
  page: number;
}

function filtersFrom(params: URLSearchParams): ListFilters {
  return {
    status: params.get("status") ?? "",
    room: params.get("room") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    page: Math.max(0, Number(params.get("page") ?? 0) || 0),
  };
}

function BookingList({ onMessage }: { onMessage: (text: string) => void }) {
  const route = useRoute();
  const filters = filtersFrom(route.params);
  const [roomInput, setRoomInput] = useState(filters.room);
  const [confirming, setConfirming] = useState<string | null>(null);
  const key = JSON.stringify(filters);
  const bookings = useResource(
    () =>
      api<Page<Booking>>("GET", "/api/bookings", {
        query: { status: filters.status, roomNumber: filters.room, from: filters.from, to: filters.to, limit: PAGE_SIZE, offset: filters.page * PAGE_SIZE },
      }),
    ["booking.", "customer.checked_in", "customer.checked_out"],
    key,
  );

  function setFilters(change: Partial<ListFilters>) {
    const next = { ...filters, page: 0, ...change };
    replaceRoute(linkTo("bookings", { status: next.status, room: next.room, from: next.from, to: next.to, page: next.page || undefined }));
  }

  async function cancel(booking: Booking) {
    setConfirming(null);
    onMessage(`Cancelling the booking of ${booking.customerName}…`);
    try {
      await api("POST", `/api/bookings/${encodeURIComponent(booking.id)}/cancel`);
      onMessage(`Cancelled: ${booking.customerName}, room ${booking.roomNumber}, ${booking.checkInDate} → ${booking.checkOutDate}. The nights are free again.`);
    } catch (caught) {
      const error = caught as ApiError;
      onMessage(error.code === "booking_not_cancellable" ? `Not cancelled: this booking is no longer confirmed (the guest may have checked in).` : `Not cancelled: ${describeError(error)}`);
    }
    await bookings.reload();
  }

  const errors = bookings.error?.status === 422 ? fieldErrors(bookings.error.errors) : {};
  const data = bookings.data;
  const first = data ? data.offset + 1 : 0;
  const last = data ? data.offset + data.items.length : 0;

  return (
    <section class="fo-panel" aria-labelledby="list-title">
      <div class="page-head">
        <h2 id="list-title">All bookings</h2>
        {bookings.asOf && <span class="muted">as of {bookings.asOf.toLocaleTimeString()}</span>}
      </div>
      <form class="filters" aria-label="Booking filters" onSubmit={(e) => { e.preventDefault(); setFilters({ room: roomInput.trim() }); }}>
        <label>
          Status
          <select value={filters.status} onChange={(e) => setFilters({ status: e.currentTarget.value })}>
            {STATUSES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        <label>
          Room
          <input value={roomInput} size={6} maxLength={10} onInput={(e) => setRoomInput(e.currentTarget.value)} onBlur={() => roomInput.trim() !== filters.room && setFilters({ room: roomInput.trim() })} />
        </label>
        <label>
          Staying from
          <input type="date" value={filters.from} onChange={(e) => setFilters({ from: e.currentTarget.value })} />
        </label>
        <label>
          Staying until
          <input type="date" value={filters.to} onChange={(e) => setFilters({ to: e.currentTarget.value })} />
        </label>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => { setRoomInput(""); replaceRoute(linkTo("bookings")); }}>Clear filters</button>
      </form>
      {Object.keys(errors).length > 0 && <p class="fo-field-error" role="alert">Filters: {Object.entries(errors).map(([f, m]) => `${f === "roomNumber" ? "room" : f} ${m}`).join("; ")}</p>}
      {bookings.error && bookings.error.status !== 422 && <p class="form-error" role="alert">Bookings could not be loaded: {describeError(bookings.error)}</p>}
      {data && data.items.length === 0 && <p class="fo-empty">No booking matches these filters. Clear the filters, or book a room above.</p>}
      {data && data.items.length > 0 && (
        <table class="audit" aria-label="Bookings">
          <thead>
            <tr>
              <th scope="col">Guest</th>
              <th scope="col">Room</th>
              <th scope="col">Stay</th>
              <th scope="col">Total</th>
              <th scope="col">Payment</th>
              <th scope="col">Status</th>
              <th scope="col"><span class="sr-only">Action</span></th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((booking) => {
              const nights = nightsBetween(booking.checkInDate, booking.checkOutDate);
              return (
                <tr key={booking.id}>
                  <td>
                    {booking.customerName}
                    {booking.customerEmail && <div class="muted fo-small">{booking.customerEmail}</div>}
                  </td>
                  <td class="fo-room">{booking.roomNumber}</td>
                  <td>
                    {dayLabel(booking.checkInDate)} → {dayLabel(booking.checkOutDate)}
                    <div class="muted fo-small">{nights} {nights === 1 ? "night" : "nights"}</div>
                  </td>
                  <td>{money(booking.totalAmount)}</td>
                  <td><PaymentStatus status={booking.paymentStatus} /></td>
                  <td>
                    <span class={`booking-status status-${booking.bookingStatus.replace(/\s+/g, "-")}`}>
                      <span aria-hidden="true">{STATUS_GLYPH[booking.bookingStatus] ?? "•"} </span>
                      {booking.bookingStatus}
                    </span>
                  </td>
                  <td>
                    {booking.bookingStatus === "confirmed" && confirming !== booking.id && (
                      <button type="button" onClick={() => setConfirming(booking.id)}>
                        Cancel<span class="sr-only"> booking of {booking.customerName}, room {booking.roomNumber}</span>
                      </button>
                    )}
                    {confirming === booking.id && (
                      <div class="fo-confirm" role="group" aria-label={`Confirm cancelling ${booking.customerName}`}>
                        <p>Cancel {booking.customerName}'s booking of room {booking.roomNumber}? The nights become free for others.</p>
                        <button type="button" class="fo-danger" onClick={() => cancel(booking)}>Yes, cancel booking</button>
                        <button type="button" onClick={() => setConfirming(null)}>Keep booking</button>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {data && data.total > PAGE_SIZE && (
        <nav class="fo-pager" aria-label="Booking pages">
          <button type="button" disabled={filters.page === 0} onClick={() => setFilters({ page: filters.page - 1 })}>Previous</button>
          <span>
            {first}–{last} of {data.total}
          </span>
          <button type="button" disabled={last >= data.total} onClick={() => setFilters({ page: filters.page + 1 })}>Next</button>
        </nav>
      )}
    </section>
  );
}
