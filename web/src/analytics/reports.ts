// The three analytics reports (tasks, rooms, fnb): their shapes, who may read each, and the
// figures the pages show from them.
import { api, type Role, type User } from "../api";
import { instantPeriod, type DateRange } from "./dates";

export interface DepartmentFigures {
  department: string;
  requests: number;
  completed: number;
  cancelled: number;
  open: number;
  avgAcknowledgeMinutes: number | null;
  avgCompletionMinutes: number | null;
  slaBreaches: number;
  slaBreachRate: number;
  escalations: number;
}

export interface EmployeeFigures {
  employeeId: string;
  department: string;
  assigned: number;
  acknowledged: number;
  completed: number;
  avgAcknowledgeMinutes: number | null;
  avgCompletionMinutes: number | null;
  avgWorkMinutes: number | null;
  slaBreaches: number;
}

export interface DailyFigures {
  date: string;
  requests: number;
  completed: number;
  slaBreaches: number;
  escalations: number;
}

/** GET /api/analytics/departments: hotel days, both included. */
export interface DepartmentsReport {
  from: string;
  to: string;
  departments: DepartmentFigures[];
  employees: EmployeeFigures[];
  daily: DailyFigures[];
}

export interface OutOfOrderRoom {
  roomNumber: string;
  kind: string;
  reason: string;
  from: string;
  to: string | null;
  returnStatus: string;
}

/** GET /api/analytics/rooms: counts now; turnaround over [from, to). */
export interface RoomsReport {
  from: string;
  to: string;
  totalRooms: number;
  occupiedRooms: number;
  occupancyRate: number;
  byHousekeepingStatus: Record<string, number>;
  byFrontOfficeStatus: Record<string, number>;
  byDiscrepancy: Record<string, number>;
  readyStatus: string;
  turnarounds: number;
  averageTurnaroundMinutes: number | null;
  outOfOrderCount: number;
  outOfOrderRooms: OutOfOrderRoom[];
}

export interface TopItem {
  kind: string;
  id: string;
  name: string;
  quantity: number;
  revenue: string;
}

export interface FnbDay {
  day: string;
  orders: number;
  delivered: number;
  cancelled: number;
  revenue: string;
}

/** GET /api/analytics/fnb: hotel days, both included; money as decimal strings ("12.50"). */
export interface FnbReport {
  from: string;
  to: string;
  currency?: string;
  orders: number;
  delivered: number;
  cancelled: number;
  revenue: string;
  avgDeliveryMinutes: number | null;
  cancellationRate: number | null;
  topItems: TopItem[];
  byDay: FnbDay[];
}

// Who may call each route (@require in services/*/*/api.py).
const MAY_READ: Record<"departments" | "rooms" | "fnb" | "bookings", Role[]> = {
  departments: ["hotelAdmin", "supervisor", "frontOffice"],
  rooms: ["hotelAdmin", "frontOffice", "supervisor"],
  fnb: ["hotelAdmin", "restaurantAdmin", "supervisor"],
  bookings: ["hotelAdmin", "frontOffice"],
};

export function mayRead(user: User, report: keyof typeof MAY_READ): boolean {
  return MAY_READ[report].includes(user.role);
}

/** The analytics page's sections for a role: the admin all, a supervisor their work (department
 * performance and the rooms it turns around), the restaurant F&B only. */
export function analyticsSections(user: User): { departments: boolean; rooms: boolean; fnb: boolean } {
  const wanted = {
    departments: user.role === "hotelAdmin" || user.role === "supervisor",
    rooms: user.role === "hotelAdmin" || user.role === "supervisor",
    fnb: user.role === "hotelAdmin" || user.role === "restaurantAdmin",
  };
  return {
    departments: wanted.departments && mayRead(user, "departments"),
    rooms: wanted.rooms && mayRead(user, "rooms"),
    fnb: wanted.fnb && mayRead(user, "fnb"),
  };
}

export function loadDepartments(range: DateRange): Promise<DepartmentsReport> {
  return api<DepartmentsReport>("GET", "/api/analytics/departments", { query: { from: range.from, to: range.to } });
}

export function loadRooms(range: DateRange): Promise<RoomsReport> {
  return api<RoomsReport>("GET", "/api/analytics/rooms", { query: instantPeriod(range) });
}

export function loadFnb(range: DateRange): Promise<FnbReport> {
  return api<FnbReport>("GET", "/api/analytics/fnb", { query: { from: range.from, to: range.to } });
}

// Hints that move each report's numbers (useResource debounces a burst into one reload).
export const DEPARTMENT_HINTS = ["task.completed", "task.status_changed", "task.escalated", "task.assigned", "request.created"];
export const ROOM_HINTS = ["room.status_changed", "room.updated"];
export const FNB_HINTS = ["order.status_changed", "order.placed", "order.cancelled"];

/** Departments in a stable order, the supervisor's own first. */
export function ownFirst<T extends { department: string }>(rows: T[], own: string | null): T[] {
  return [...rows].sort((a, b) => Number(b.department === own) - Number(a.department === own) || a.department.localeCompare(b.department));
}

export interface Totals {
  requests: number;
  completed: number;
  open: number;
  cancelled: number;
  slaBreaches: number;
  escalations: number;
  /** Breaches over requests not cancelled, as the tasks service rates a department. */
  slaBreachRate: number;
}

export function totalsOf(departments: DepartmentFigures[]): Totals {
  const sum = (pick: (d: DepartmentFigures) => number) => departments.reduce((total, d) => total + pick(d), 0);
  const requests = sum((d) => d.requests);
  const cancelled = sum((d) => d.cancelled);
  const slaBreaches = sum((d) => d.slaBreaches);
  const measured = requests - cancelled;
  return {
    requests,
    completed: sum((d) => d.completed),
    open: sum((d) => d.open),
    cancelled,
    slaBreaches,
    escalations: sum((d) => d.escalations),
    slaBreachRate: measured ? slaBreaches / measured : 0,
  };
}

/** "12.5 min", or a dash when nothing was measured. */
export function minutes(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value} min`;
}

/** A rate (0.125) as "12.5%", or a dash. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

export function money(amount: string, currency?: string): string {
  return currency ? `${amount} ${currency}` : amount;
}
