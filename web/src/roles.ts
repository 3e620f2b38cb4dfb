// What each role sees: its home and the pages in its navigation.
import type { User } from "./api";

export type PageId =
  | "today"
  | "rooms"
  | "frontdesk"
  | "bookings"
  | "messages"
  | "tasks"
  | "alerts"
  | "kitchen"
  | "menu"
  | "analytics"
  | "report"
  | "audit"
  | "users"
  | "settings"
  | "pms"
  | "staff";

export const PAGE_TITLES: Record<PageId, string> = {
  today: "Today",
  rooms: "Rooms",
  frontdesk: "Arrivals & departures",
  bookings: "Bookings",
  messages: "Guest messages",
  tasks: "Requests & tasks",
  alerts: "Alerts",
  kitchen: "Kitchen",
  menu: "Menu & combos",
  analytics: "Analytics",
  report: "Daily report",
  audit: "Audit log",
  users: "Users",
  settings: "Departments & SLAs",
  pms: "PMS sync",
  staff: "Staff app",
};

/** Pages reached from another page (the daily report from analytics), not from the navigation. */
export const NOT_IN_NAVIGATION: ReadonlySet<PageId> = new Set(["report"]);

/** The navigation's sections, in order; a section with none of the role's pages is left out. */
export const NAV_SECTIONS: [string, PageId[]][] = [
  ["Front office", ["today", "rooms", "frontdesk", "bookings", "messages"]],
  ["Operations", ["tasks", "alerts"]],
  ["Food & beverage", ["kitchen", "menu"]],
  ["Insight", ["analytics", "audit"]],
  ["Administration", ["users", "settings", "pms"]],
  ["Staff", ["staff"]],
];

export function pagesFor(user: User): PageId[] {
  switch (user.role) {
    case "hotelAdmin":
      return ["today", "rooms", "frontdesk", "bookings", "messages", "tasks", "alerts", "kitchen", "menu", "analytics", "report", "audit", "users", "settings", "pms"];
    case "frontOffice":
      return ["today", "rooms", "frontdesk", "bookings", "messages", "tasks", "audit"];
    case "supervisor":
      return ["tasks", "rooms", "alerts", "analytics", "report", "audit"];
    case "restaurantAdmin":
      return ["kitchen", "menu", "analytics"];
    default:
      return ["staff"];
  }
}

export function homeFor(user: User): PageId {
  return pagesFor(user)[0];
}

const HOUSEKEEPING_SETTERS = new Set(["hotelAdmin", "frontOffice", "supervisor"]);

/** Who may set a room's housekeeping status: these roles, and staff of housekeeping. */
function setsHousekeeping(user: User): boolean {
  return HOUSEKEEPING_SETTERS.has(user.role) || (user.role === "staff" && user.department === "housekeeping");
}

/** Housekeeping moves the rooms service allows (DESIGN §6), filtered by what the role may set. */
export function allowedMoves(user: User, from: string): string[] {
  if (!setsHousekeeping(user)) return [];
  const moves: Record<string, string[]> = {
    Dirty: ["Clean", "Pickup"],
    Pickup: ["Clean"],
    Clean: ["Inspected", "Dirty", "Pickup"],
    Inspected: ["Clean", "Dirty", "Pickup"],
  };
  const mayInspect = user.role === "supervisor" || user.role === "hotelAdmin";
  return (moves[from] ?? []).filter((to) => to !== "Inspected" || mayInspect);
}

export function mayCancelTasks(user: User): boolean {
  return ["hotelAdmin", "frontOffice", "supervisor"].includes(user.role);
}
