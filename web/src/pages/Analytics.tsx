// Analytics: department performance, rooms and F&B over a date range, by role; every chart has
// its numbers as a table and a CSV export, and the figures reload on the events that move them.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { User } from "../api";
import { describeError, useResource, type Resource } from "../live";
import { linkTo, useRoute } from "../route";
import { Chart } from "../analytics/Chart";
import { daysOf, describeRange, isDay, localDay, presetOf, presetRange, PRESETS, rangeProblem, type DateRange, type Preset } from "../analytics/dates";
import {
  analyticsSections,
  DEPARTMENT_HINTS,
  FNB_HINTS,
  loadDepartments,
  loadFnb,
  loadRooms,
  minutes,
  money,
  ownFirst,
  percent,
  ROOM_HINTS,
  totalsOf,
  type DepartmentsReport,
  type FnbReport,
  type RoomsReport,
} from "../analytics/reports";
import "./Analytics.css";

const HOUSEKEEPING_ORDER = ["Dirty", "Pickup", "Clean", "Inspected"];

function initialRange(params: URLSearchParams): DateRange {
  const from = params.get("from");
  const to = params.get("to");
  return isDay(from) && isDay(to) && from <= to ? { from, to } : presetRange("7d");
}

export function Analytics({ user }: { user: User }) {
  const route = useRoute();
  const [range, setRange] = useState<DateRange>(() => initialRange(route.params));
  const [preset, setPreset] = useState<Preset>(() => presetOf(range));
  const [draft, setDraft] = useState<DateRange>(range);
  const problem = rangeProblem(draft);
  const sections = analyticsSections(user);
  const key = `${range.from}|${range.to}`;

  const departments = useResource(() => (sections.departments ? loadDepartments(range) : Promise.resolve(null)), sections.departments ? DEPARTMENT_HINTS : [], key);
  const rooms = useResource(() => (sections.rooms ? loadRooms(range) : Promise.resolve(null)), sections.rooms ? ROOM_HINTS : [], key);
  const fnb = useResource(() => (sections.fnb ? loadFnb(range) : Promise.resolve(null)), sections.fnb ? FNB_HINTS : [], key);
  const asOf = [departments.asOf, rooms.asOf, fnb.asOf].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];

  function show(next: DateRange) {
    setRange(next);
    // The range stays in the address, so a reload or a shared link shows the same days.
    window.history.replaceState(null, "", linkTo("analytics", { from: next.from, to: next.to }));
  }

  function choose(next: Preset) {
    setPreset(next);
    if (next === "custom") return;
    const chosen = presetRange(next);
    setDraft(chosen);
    show(chosen);
  }

  function applyCustom(event: Event) {
    event.preventDefault();
    if (problem) return;
    setPreset(presetOf(draft));
    show(draft);
  }

  const fileTail = `${range.from}_to_${range.to}`;
  return (
    <section aria-labelledby="analytics-title" class="analytics">
      <div class="page-head">
        <h1 id="analytics-title">Analytics</h1>
        <span class="muted">{describeRange(range)}{asOf && ` · as of ${asOf.toLocaleTimeString()}`}</span>
        {(user.role === "hotelAdmin" || user.role === "supervisor") && (
          <a class="report-link" href={linkTo("report", { day: range.to })}>Daily operations report</a>
        )}
      </div>

      <form class="filters range" aria-label="Date range" onSubmit={applyCustom}>
        <div class="presets" role="group" aria-label="Period">
          {PRESETS.map(([id, label]) => (
            <button key={id} type="button" aria-pressed={preset === id} onClick={() => choose(id)}>{label}</button>
          ))}
        </div>
        {preset === "custom" && (
          <>
            <label>
              From
              <input type="date" value={draft.from} max={localDay()} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} required />
            </label>
            <label>
              To
              <input type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} required />
            </label>
            <button type="submit" class="primary" disabled={!!problem}>Show</button>
            {problem && <p class="form-error" role="alert">{problem}</p>}
          </>
        )}
      </form>

      <Kpis user={user} departments={departments.data} rooms={rooms.data} fnb={fnb.data} />

      {sections.departments && <DepartmentSection user={user} resource={departments} range={range} fileTail={fileTail} />}
      {sections.rooms && <RoomSection resource={rooms} fileTail={fileTail} />}
      {sections.fnb && <FnbSection resource={fnb} fileTail={fileTail} />}
    </section>
  );
}

function Kpis({ user, departments, rooms, fnb }: { user: User; departments: DepartmentsReport | null; rooms: RoomsReport | null; fnb: FnbReport | null }) {
  const tiles: [string, string][] = [];
  if (departments) {
    const totals = totalsOf(departments.departments);
    tiles.push(["Requests", String(totals.requests)], ["Completed", String(totals.completed)], ["Open", String(totals.open)], ["SLA breach rate", percent(totals.slaBreachRate)], ["Escalations", String(totals.escalations)]);
  }
  if (rooms) tiles.push(["Occupancy", percent(rooms.occupancyRate)], ["Out of order", String(rooms.outOfOrderCount)]);
  if (fnb) {
    tiles.push(["F&B orders", String(fnb.orders)], ["F&B revenue", money(fnb.revenue, fnb.currency)]);
    if (user.role === "restaurantAdmin") tiles.push(["Avg delivery", minutes(fnb.avgDeliveryMinutes)], ["Cancellation rate", percent(fnb.cancellationRate)]);
  }
  if (tiles.length === 0) return null;
  return (
    <ul class="kpis" aria-label="Key figures">
      {tiles.map(([label, value]) => (
        <li key={label} class="kpi">
          <span class="kpi-label">{label}</span>
          <strong class="kpi-value">{value}</strong>
        </li>
      ))}
    </ul>
  );
}

/** A wide table scrolls sideways inside its own box, which the keyboard can reach to scroll it. */
function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={`${label} (table)`} tabIndex={0}>
      {children}
    </div>
  );
}

function Loading<T>({ resource, what }: { resource: Resource<T>; what: string }) {
  if (resource.error) return <p class="form-error" role="alert">{what} could not be loaded: {describeError(resource.error)}</p>;
  if (resource.loading && !resource.data) return <p class="muted" role="status">Loading {what.toLowerCase()}…</p>;
  return null;
}

function DepartmentSection({ user, resource, range, fileTail }: { user: User; resource: Resource<DepartmentsReport | null>; range: DateRange; fileTail: string }) {
  const report = resource.data;
  const own = user.role === "supervisor" ? user.department : null;
  const departments = report ? ownFirst(report.departments, own) : [];
  const employees = report ? ownFirst(report.employees, own) : [];
  // The report lists only days with requests; the trend shows every day of the range.
  const byDate = new Map((report?.daily ?? []).map((d) => [d.date, d]));
  const days = daysOf(range);
  const daily = days.map((date) => byDate.get(date) ?? { date, requests: 0, completed: 0, slaBreaches: 0, escalations: 0 });
  const totals = totalsOf(report?.departments ?? []);
  return (
    <section class="panel" aria-labelledby="departments-title">
      <h2 id="departments-title">Department performance</h2>
      <Loading resource={resource} what="Department performance" />
      {report && departments.length === 0 && (
        <p class="empty">No requests in this period. Requests made at the front desk, by guests or by staff are counted here.</p>
      )}
      {report && departments.length > 0 && (
        <>
          <TableWrap label="Departments">
            <table class="figures">
              <caption>Departments</caption>
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Completed</th>
                  <th scope="col">Open</th>
                  <th scope="col">Avg acknowledge</th>
                  <th scope="col">Avg completion</th>
                  <th scope="col">SLA breaches</th>
                  <th scope="col">SLA breach rate</th>
                  <th scope="col">Escalations</th>
                </tr>
              </thead>
              <tbody>
                {departments.map((d) => (
                  <tr key={d.department} class={d.department === own ? "own" : undefined}>
                    <th scope="row">{d.department}{d.department === own && <span class="muted"> (yours)</span>}</th>
                    <td>{d.requests}</td>
                    <td>{d.completed}</td>
                    <td>{d.open}</td>
                    <td>{minutes(d.avgAcknowledgeMinutes)}</td>
                    <td>{minutes(d.avgCompletionMinutes)}</td>
                    <td>{d.slaBreaches}</td>
                    <td class={d.slaBreachRate > 0 ? "warn" : undefined}>{d.slaBreachRate > 0 && <span aria-hidden="true">⚠ </span>}{percent(d.slaBreachRate)}</td>
                    <td>{d.escalations}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Chart
            id="trend"
            title="Requests per day"
            labelHeader="day"
            labels={days}
            series={[
              { label: "Requests", values: daily.map((d) => d.requests) },
              { label: "Completed", values: daily.map((d) => d.completed) },
              { label: "SLA breaches", values: daily.map((d) => d.slaBreaches), kind: "line" },
              { label: "Escalations", values: daily.map((d) => d.escalations), kind: "line" },
            ]}
            fileTail={fileTail}
            summary={`${totals.requests} requests and ${totals.completed} completed over ${days.length} days, ${totals.slaBreaches} SLA breaches, ${totals.escalations} escalations.`}
          />
          <h3>By employee</h3>
          {employees.length === 0 ? (
            <p class="empty">No request was assigned to anyone in this period.</p>
          ) : (
            <TableWrap label="Employees">
              <table class="figures">
                <caption>Employees</caption>
                <thead>
                  <tr>
                    <th scope="col">Employee</th>
                    <th scope="col">Department</th>
                    <th scope="col">Assigned</th>
                    <th scope="col">Acknowledged</th>
                    <th scope="col">Completed</th>
                    <th scope="col">Avg acknowledge</th>
                    <th scope="col">Avg completion</th>
                    <th scope="col">Avg work</th>
                    <th scope="col">SLA breaches</th>
                  </tr>
                </thead>
                <tbody>
                  {employees.map((e) => (
                    <tr key={`${e.department}|${e.employeeId}`}>
                      <th scope="row">{e.employeeId}</th>
                      <td class="text">{e.department}</td>
                      <td>{e.assigned}</td>
                      <td>{e.acknowledged}</td>
                      <td>{e.completed}</td>
                      <td>{minutes(e.avgAcknowledgeMinutes)}</td>
                      <td>{minutes(e.avgCompletionMinutes)}</td>
                      <td>{minutes(e.avgWorkMinutes)}</td>
                      <td>{e.slaBreaches}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </section>
  );
}

function RoomSection({ resource, fileTail }: { resource: Resource<RoomsReport | null>; fileTail: string }) {
  const report = resource.data;
  const statuses = report ? [...HOUSEKEEPING_ORDER.filter((s) => s in report.byHousekeepingStatus), ...Object.keys(report.byHousekeepingStatus).filter((s) => !HOUSEKEEPING_ORDER.includes(s))] : [];
  return (
    <section class="panel" aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <Loading resource={resource} what="Room figures" />
      {report && (
        <>
          <dl class="figures-list">
            <div><dt>Occupancy now</dt><dd>{percent(report.occupancyRate)} ({report.occupiedRooms} of {report.totalRooms - report.outOfOrderCount} sellable rooms)</dd></div>
            <div><dt>Average turnaround</dt><dd>{minutes(report.averageTurnaroundMinutes)} <span class="muted">(Dirty → {report.readyStatus}, {report.turnarounds} in the period)</span></dd></div>
            <div><dt>Out of order now</dt><dd>{report.outOfOrderCount}</dd></div>
            <div><dt>Front office now</dt><dd>{Object.entries(report.byFrontOfficeStatus).map(([status, count]) => `${count} ${status}`).join(" · ")}</dd></div>
          </dl>
          <Chart
            id="housekeeping"
            title="Rooms by housekeeping status now"
            labelHeader="status"
            labels={statuses}
            series={[{ label: "Rooms", values: statuses.map((s) => report.byHousekeepingStatus[s]) }]}
            fileTail={fileTail}
            summary={statuses.map((s) => `${report.byHousekeepingStatus[s]} ${s}`).join(", ") + "."}
          />
          <h3>Out of order</h3>
          {report.outOfOrderRooms.length === 0 ? (
            <p class="empty">Every room is in service.</p>
          ) : (
            <OutOfOrderTable rooms={report} />
          )}
        </>
      )}
    </section>
  );
}

export function OutOfOrderTable({ rooms }: { rooms: RoomsReport }) {
  return (
    <TableWrap label="Rooms out of order or out of service">
      <table class="figures">
        <caption>Rooms out of order or out of service</caption>
        <thead>
          <tr>
            <th scope="col">Room</th>
            <th scope="col">Kind</th>
            <th scope="col">Reason</th>
            <th scope="col">Since</th>
            <th scope="col">Until</th>
          </tr>
        </thead>
        <tbody>
          {rooms.outOfOrderRooms.map((r) => (
            <tr key={r.roomNumber}>
              <th scope="row">{r.roomNumber}</th>
              <td class="text">{r.kind}</td>
              <td class="text">{r.reason}</td>
              <td class="text">{new Date(r.from).toLocaleString()}</td>
              <td class="text">{r.to ? new Date(r.to).toLocaleString() : "open-ended"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function FnbSection({ resource, fileTail }: { resource: Resource<FnbReport | null>; fileTail: string }) {
  const report = resource.data;
  return (
    <section class="panel" aria-labelledby="fnb-title">
      <h2 id="fnb-title">Food &amp; beverage</h2>
      <Loading resource={resource} what="F&B figures" />
      {report && (
        <>
          <dl class="figures-list">
            <div><dt>Orders</dt><dd>{report.orders}</dd></div>
            <div><dt>Delivered</dt><dd>{report.delivered}</dd></div>
            <div><dt>Cancelled</dt><dd>{report.cancelled}</dd></div>
            <div><dt>Revenue</dt><dd>{money(report.revenue, report.currency)}</dd></div>
            <div><dt>Avg delivery</dt><dd>{minutes(report.avgDeliveryMinutes)}</dd></div>
            <div><dt>Cancellation rate</dt><dd>{percent(report.cancellationRate)}</dd></div>
          </dl>
          {report.orders === 0 && <p class="empty">No orders in this period. Orders guests place from their room show here.</p>}
          <Chart
            id="fnb-days"
            title="F&B orders and revenue per day"
            labelHeader="day"
            labels={report.byDay.map((d) => d.day)}
            series={[
              { label: "Orders", values: report.byDay.map((d) => d.orders) },
              { label: "Delivered", values: report.byDay.map((d) => d.delivered) },
              { label: "Cancelled", values: report.byDay.map((d) => d.cancelled) },
              { label: "Revenue", values: report.byDay.map((d) => d.revenue), kind: "line", right: true },
            ]}
            fileTail={fileTail}
            summary={`${report.orders} orders, ${report.delivered} delivered, ${report.cancelled} cancelled, revenue ${money(report.revenue, report.currency)} over ${report.byDay.length} days.`}
          />
          <h3>Top items</h3>
          {report.topItems.length === 0 ? (
            <p class="empty">Nothing delivered yet in this period.</p>
          ) : (
            <TableWrap label="Top items by quantity">
              <table class="figures">
                <caption>Top items by quantity</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Quantity</th>
                    <th scope="col">Revenue</th>
                  </tr>
                </thead>
                <tbody>
                  {report.topItems.map((item) => (
                    <tr key={`${item.kind}|${item.id}`}>
                      <th scope="row">{item.name}</th>
                      <td class="text">{item.kind}</td>
                      <td>{item.quantity}</td>
                      <td>{money(item.revenue, report.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </section>
  );
}
