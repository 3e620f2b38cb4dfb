// A task as the tasks service answers it, its clock in words, and who may change what (as the
// service allows it: DESIGN §6 tasks).
import type { User } from "../api";

export interface Note {
  text: string;
  author: string | null;
  employeeId: string | null;
  at: string;
}

export interface Task {
  taskId: string;
  room: string;
  type: string;
  department: string;
  status: string;
  priority: string;
  description: string | null;
  assignedTo: string | null;
  employeeId: string | null;
  dueDate: string;
  acknowledgeBy: string;
  escalationLevel: number;
  notes: Note[];
  createdAt: string;
  version: number;
}

export interface Employee {
  employeeCode: string;
  name: string;
  role: string;
  department: string;
  jobTitle: string | null;
  onDuty: boolean;
  openTasks: number;
}

export const PRIORITIES: [string, string][] = [
  ["low", "Low"],
  ["normal", "Normal"],
  ["high", "High"],
  ["urgent", "Urgent"],
];

export const STATUS_WORDS: Record<string, string> = {
  pending: "Waiting for someone",
  assigned: "Assigned",
  acknowledged: "Acknowledged",
  in_progress: "In progress",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
};

// The statuses the service lets a task be (re)assigned from.
const REASSIGNABLE = new Set(["pending", "assigned", "acknowledged", "paused"]);
const MANAGERS = new Set(["hotelAdmin", "frontOffice", "supervisor"]);

export function isOpen(task: Task): boolean {
  return task.status !== "completed" && task.status !== "cancelled";
}

export function mayReassign(user: User, task: Task): boolean {
  return MANAGERS.has(user.role) && REASSIGNABLE.has(task.status);
}

/** The front office and admins reprioritise any open task; a supervisor their department's. */
export function mayChangePriority(user: User, task: Task): boolean {
  if (!MANAGERS.has(user.role) || !isOpen(task)) return false;
  return user.role !== "supervisor" || user.department === task.department;
}

function minutesBetween(a: number, b: number): number {
  return Math.max(0, Math.round((b - a) / 60000));
}

/** "Ack in 3 min" → "Due in 18 min" → "Overdue 4 min": the clock in words. */
export function slaText(task: Task, now: number): { text: string; late: boolean } {
  if (!isOpen(task)) return { text: task.status === "completed" ? "Done" : "Cancelled", late: false };
  const due = Date.parse(task.dueDate);
  if (now > due) return { text: `Overdue ${minutesBetween(due, now)} min`, late: true };
  const ack = Date.parse(task.acknowledgeBy);
  if ((task.status === "pending" || task.status === "assigned") && ack && now <= ack) return { text: `Ack in ${minutesBetween(now, ack)} min`, late: false };
  return { text: `Due in ${minutesBetween(now, due)} min`, late: false };
}

/** "14:05", or "3 Dec 14:05" when not today: a due time a person can check on the wall clock. */
export function clockTime(iso: string, now: number): string {
  const when = new Date(iso);
  const time = when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return when.toDateString() === new Date(now).toDateString() ? time : `${when.toLocaleDateString(undefined, { day: "numeric", month: "short" })} ${time}`;
}

/** "just now", "12 min ago", "3 h ago", else the day and time. */
export function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return clockTime(iso, now);
}

