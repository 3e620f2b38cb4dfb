// Alerts as the notifications service returns them, and who was expected to read one.
// The service knows who read an alert, not who should: the roster comes from tasks' employees.
import type { ApiError } from "../api";

export type AudienceKind = "department" | "role" | "employee";
export type AlertPriority = "normal" | "high" | "urgent";

export interface Receipt {
  userId: string;
  username: string;
  employeeCode: string | null;
  readAt: string;
}

export interface Alert {
  id: string;
  audience: { kind: AudienceKind; value: string };
  message: string;
  priority: AlertPriority;
  sentBy: { userId: string; username: string; role: string; employeeCode: string | null };
  createdAt: string;
  readBy: Receipt[];
  readCount: number;
}

export interface Employee {
  employeeCode: string;
  name: string;
  department: string;
  role: string;
}

export const ALERT_ROLES: [string, string][] = [
  ["staff", "All staff"],
  ["supervisor", "Supervisors"],
  ["frontOffice", "Front office"],
  ["restaurantAdmin", "Restaurant managers"],
  ["hotelAdmin", "Hotel admins"],
];

export const PRIORITIES: [AlertPriority, string, string][] = [
  ["normal", "Normal", "•"],
  ["high", "High", "!"],
  ["urgent", "Urgent", "‼"],
];

export const MAX_MESSAGE = 500;

/** The people an alert was meant for, its sender aside, when the roster says (null for a role: unknown). */
export function expectedReaders(alert: Alert, roster: Employee[]): Employee[] | null {
  const { kind, value } = alert.audience;
  if (kind === "department") return roster.filter((e) => e.department === value && e.employeeCode !== alert.sentBy.employeeCode);
  if (kind === "employee") {
    const person = roster.find((e) => e.employeeCode === value);
    return [person ?? { employeeCode: value, name: value, department: "", role: "" }];
  }
  return null;
}

export interface ReadSummary {
  /** "Read by 1 of 3", "Read by 2", "Not read yet". */
  text: string;
  /** Everyone expected has read it. */
  complete: boolean;
  /** The expected people with no receipt yet. */
  waitingFor: Employee[];
}

export function readSummary(alert: Alert, expected: Employee[] | null): ReadSummary {
  const read = alert.readCount;
  if (expected === null || expected.length === 0) {
    return { text: read === 0 ? "Not read yet" : `Read by ${read}`, complete: false, waitingFor: [] };
  }
  const readCodes = new Set(alert.readBy.map((r) => r.employeeCode));
  const waitingFor = expected.filter((e) => !readCodes.has(e.employeeCode));
  const of = Math.max(expected.length, read);
  return { text: `Read by ${read} of ${of}`, complete: waitingFor.length === 0, waitingFor };
}

export function audienceText(alert: Pick<Alert, "audience">, roster: Employee[], departments: Map<string, string>): string {
  const { kind, value } = alert.audience;
  if (kind === "department") return `${departments.get(value) ?? value} (department)`;
  if (kind === "role") return ALERT_ROLES.find(([code]) => code === value)?.[1] ?? value;
  const person = roster.find((e) => e.employeeCode === value);
  return person ? `${person.name} (${value})` : value;
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function ago(iso: string, now: number): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** A problem's text, with nested field errors ({audience: {value: [...]}}) spelled out. */
export function problemText(error: ApiError): string {
  const lines: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) lines.push(`${path}: ${value.join(", ")}`);
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => walk(v, path ? `${path}.${k}` : k));
  };
  walk(error.errors, "");
  const head = error.status === 0 ? "The server could not be reached" : error.detail || error.title;
  return lines.length ? `${head} (${lines.join("; ")})` : head;
}
