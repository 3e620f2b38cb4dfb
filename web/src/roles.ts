// What each role sees: its home and the pages in its navigation.
import type { User } from "./api";

export type PageId = "rooms" | "frontdesk" | "tasks" | "audit" | "kitchen" | "staff";

export const PAGE_TITLES: Record<PageId, string> = {
  rooms: "Rooms",
  frontdesk: "Arrivals & departures",
  tasks: "Requests & tasks",
  audit: "Audit log",
  kitchen: "Kitchen",
  staff: "Staff app",
};

export function pagesFor(user: User): PageId[] {
  switch (user.role) {
    case "hotelAdmin":
      return ["rooms", "frontdesk", "tasks", "kitchen", "audit"];
    case "frontOffice":
      return ["rooms", "frontdesk", "tasks", "audit"];
    case "supervisor":
      return ["tasks", "rooms", "audit"];
    case "restaurantAdmin":
      return ["kitchen"];
    default:
      return ["staff"];
  }
}

export function homeFor(user: User): PageId {
  return pagesFor(user)[0];
}

const HOUSEKEEPING_SETTERS = new Set(["hotelAdmin", "frontOffice", "supervisor"]);

/** Housekeeping moves the rooms service allows (DESIGN §6), filtered by what the role may set. */
export function allowedMoves(user: User, from: string): string[] {
  if (!HOUSEKEEPING_SETTERS.has(user.role)) return [];
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
