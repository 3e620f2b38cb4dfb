// The daily operations report: one printable A4 page for a chosen day (rooms by status, arrivals
// and departures, requests by department, F&B, out-of-order rooms). Reached from Analytics.
import type { Page, User } from "../api";
import { api } from "../api";
import { describeError, useResource, type Resource } from "../live";
import { linkTo, useRoute } from "../route";
import { addDays, isDay, localDay, type DateRange } from "../analytics/dates";
import {
  DEPARTMENT_HINTS,
  FNB_HINTS,
  loadDepartments,
  loadFnb,
  loadRooms,
  mayRead,
  money,
  percent,
  ROOM_HINTS,
  totalsOf,
  type DepartmentsReport,
  type FnbReport,
  type RoomsReport,
} from "../analytics/reports";
import { OutOfOrderTable } from "./Analytics";
import "./Analytics.css";
import "./Report.css";

interface Booking {
  id: string;
  checkInDate: string;
  checkOutDate: string;
  bookingStatus: string;
}

interface Movements {
  arrivals: number;
  departures: number;
  /** More bookings than one page: the counts are at least these. */
  partial: boolean;
}

const BOOKING_LIMIT = 500;

/** Arrivals (check-in on the day) and departures (check-out on the day) of bookings not cancelled:
 * bookings with a night in [day-1, day+1) are exactly those that arrive, stay or leave that day. */
async function loadMovements(day: string): Promise<Movements> {
  const page = await api<Page<Booking>>("GET", "/api/bookings", { query: { from: addDays(day, -1), to: addDays(day, 1), limit: BOOKING_LIMIT } });
  const kept = page.items.filter((b) => b.bookingStatus !== "cancelled");
  return {
    arrivals: kept.filter((b) => b.checkInDate === day).length,
    departures: kept.filter((b) => b.checkOutDate === day).length,
    partial: page.total > page.items.length,
  };
}

function Problem<T>({ resource, what }: { resource: Resource<T>; what: string }) {
  if (resource.error) return <p class="form-error" role="alert">{what} could not be loaded: {describeError(resource.error)}</p>;
  if (resource.loading && !resource.data) return <p class="muted" role="status">Loading…</p>;
  return null;
}

export function Report({ user }: { user: User }) {
  const route = useRoute();
  const asked = route.params.get("day");
  const day = isDay(asked) ? asked : localDay();
  const range: DateRange = { from: day, to: day };
  const may = { rooms: mayRead(user, "rooms"), bookings: mayRead(user, "bookings"), departments: mayRead(user, "departments"), fnb: mayRead(user, "fnb") };

  const rooms = useResource(() => (may.rooms ? loadRooms(range) : Promise.resolve(null)), may.rooms ? ROOM_HINTS : [], day);
  const movements = useResource(() => (may.bookings ? loadMovements(day) : Promise.resolve(null)), may.bookings ? ["booking.", "customer."] : [], day);
  const departments = useResource(() => (may.departments ? loadDepartments(range) : Promise.resolve(null)), may.departments ? DEPARTMENT_HINTS : [], day);
  const fnb = useResource(() => (may.fnb ? loadFnb(range) : Promise.resolve(null)), may.fnb ? FNB_HINTS : [], day);
  const printedAt = new Date().toLocaleString();

  function chooseDay(next: string) {
    if (isDay(next)) window.location.hash = linkTo("report", { day: next });
  }

  const dayText = new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  return (
    <section aria-labelledby="report-title" class="report-page">
      <div class="page-head">
        <h1 id="report-title">Daily operations report</h1>
        <span class="report-day">{dayText}</span>
      </div>
      <form class="filters no-print" aria-label="Report day" onSubmit={(e) => e.preventDefault()}>
        <label>
          Day
          <input type="date" value={day} max={localDay()} onChange={(e) => chooseDay(e.currentTarget.value)} />
        </label>
        <button type="button" class="primary" onClick={() => window.print()}>Print</button>
        <a href={linkTo("analytics", { from: day, to: day })}>Back to analytics</a>
      </form>
      <p class="muted">Room counts are as the rooms stand now; requests and F&amp;B cover the whole day. Printed {printedAt}.</p>

      <div class="report-grid">
        {may.rooms && (
          <section aria-labelledby="r-rooms">
            <h2 id="r-rooms">Rooms by status</h2>
            <Problem resource={rooms} what="Rooms" />
            {rooms.data && <RoomCounts report={rooms.data} />}
          </section>
        )}

        <section aria-labelledby="r-moves">
          <h2 id="r-moves">Arrivals and departures</h2>
          {may.bookings ? (
            <>
              <Problem resource={movements} what="Arrivals and departures" />
              {movements.data && (
                <dl class="report-figures">
                  <div><dt>Arrivals</dt><dd>{movements.data.arrivals}{movements.data.partial && "+"}</dd></div>
                  <div><dt>Departures</dt><dd>{movements.data.departures}{movements.data.partial && "+"}</dd></div>
                </dl>
              )}
            </>
          ) : (
            <p class="empty">Bookings are the front office's: ask them or the hotel admin for these counts.</p>
          )}
        </section>

        {may.fnb && (
          <section aria-labelledby="r-fnb">
            <h2 id="r-fnb">Food &amp; beverage</h2>
            <Problem resource={fnb} what="F&B" />
            {fnb.data && <FnbFigures report={fnb.data} />}
          </section>
        )}
      </div>

      {may.departments && (
        <section aria-labelledby="r-requests">
          <h2 id="r-requests">Requests by department</h2>
          <Problem resource={departments} what="Requests" />
          {departments.data && <RequestTable report={departments.data} />}
        </section>
      )}

      {may.rooms && (
        <section aria-labelledby="r-ooo">
          <h2 id="r-ooo">Out-of-order rooms</h2>
          {rooms.data && (rooms.data.outOfOrderRooms.length === 0 ? <p class="empty">Every room is in service.</p> : <OutOfOrderTable rooms={rooms.data} />)}
        </section>
      )}
    </section>
  );
}

function RoomCounts({ report }: { report: RoomsReport }) {
  return (
    <table class="figures">
      <caption>Housekeeping and front office status</caption>
      <tbody>
        <tr>
          <th scope="rowgroup" colSpan={2} class="group">Housekeeping</th>
        </tr>
        {Object.entries(report.byHousekeepingStatus).map(([status, count]) => (
          <tr key={status}>
            <th scope="row">{status}</th>
            <td>{count}</td>
          </tr>
        ))}
      </tbody>
      <tbody>
        <tr>
          <th scope="rowgroup" colSpan={2} class="group">Front office</th>
        </tr>
        {Object.entries(report.byFrontOfficeStatus).map(([status, count]) => (
          <tr key={status}>
            <th scope="row">{status}</th>
            <td>{count}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Occupancy</th>
          <td>{percent(report.occupancyRate)}</td>
        </tr>
        <tr>
          <th scope="row">Out of order</th>
          <td>{report.outOfOrderCount}</td>
        </tr>
      </tbody>
    </table>
  );
}

function FnbFigures({ report }: { report: FnbReport }) {
  return (
    <dl class="report-figures">
      <div><dt>Orders</dt><dd>{report.orders}</dd></div>
      <div><dt>Delivered</dt><dd>{report.delivered}</dd></div>
      <div><dt>Cancelled</dt><dd>{report.cancelled}</dd></div>
      <div><dt>Revenue</dt><dd>{money(report.revenue, report.currency)}</dd></div>
    </dl>
  );
}

function RequestTable({ report }: { report: DepartmentsReport }) {
  if (report.departments.length === 0) return <p class="empty">No requests on this day.</p>;
  const totals = totalsOf(report.departments);
  return (
    <table class="figures">
      <caption>Requests, SLA breaches and escalations</caption>
      <thead>
        <tr>
          <th scope="col">Department</th>
          <th scope="col">Requests</th>
          <th scope="col">Completed</th>
          <th scope="col">Open</th>
          <th scope="col">SLA breaches</th>
          <th scope="col">Escalations</th>
        </tr>
      </thead>
      <tbody>
        {report.departments.map((d) => (
          <tr key={d.department}>
            <th scope="row">{d.department}</th>
            <td>{d.requests}</td>
            <td>{d.completed}</td>
            <td>{d.open}</td>
            <td>{d.slaBreaches}</td>
            <td>{d.escalations}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td>{totals.requests}</td>
          <td>{totals.completed}</td>
          <td>{totals.open}</td>
          <td>{totals.slaBreaches}</td>
          <td>{totals.escalations}</td>
        </tr>
      </tfoot>
    </table>
  );
}
