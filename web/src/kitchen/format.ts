// Money, ages and validation messages as the kitchen and menu screens show them.
import type { ApiError, User } from "../api";

/** fnb sends money as an exact decimal string ("12.50"): shown with the hotel's currency. */
export function formatMoney(amount: string, currency?: string | null): string {
  const value = Number(amount);
  if (!currency || !Number.isFinite(value)) return amount;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(value);
  } catch {
    return `${amount} ${currency}`; // an ISO code this browser does not know
  }
}

/** Whole minutes from `iso` to `now` (never negative: a clock a little ahead says 0). */
export function minutesSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
}

/** "just now", "4 min ago", "1 h 12 min ago". */
export function agoText(iso: string, now: number): string {
  const minutes = minutesSince(iso, now);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ""} ago`;
}


/** A 422's messages by field path ("price", "items.0.quantity"); nested marshmallow errors flattened. */
export function fieldErrors(error: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      out[path] = value.join(" ");
    } else if (typeof value === "string") {
      out[path] = value;
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    }
  };
  walk(error.errors, "");
  return out;
}

/** The kitchen's own roles in fnb: who may move and cancel orders, and edit the menu. */
export function mayRunKitchen(user: User): boolean {
  return user.role === "restaurantAdmin" || (user.role === "staff" && user.department === "fnb");
}

export function mayCancelOrders(user: User): boolean {
  return user.role === "restaurantAdmin";
}

export function mayEditMenu(user: User): boolean {
  return user.role === "restaurantAdmin";
}

/** Order hints reach restaurantAdmin and the fnb department only (notifications' audiences). */
export function hearsOrderHints(user: User): boolean {
  return user.role === "restaurantAdmin" || user.department === "fnb";
}
