// Days, money and ages as the front desk reads them; shared by bookings, arrivals and messages.

/** The browser's calendar day (YYYY-MM-DD), the day the desk works in. */
export function today(): string {
  return dayOf(new Date());
}

function dayOf(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** `day` moved by `count` days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(day: string, count: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return dayOf(new Date(year, month - 1, date + count));
}

/** Nights between arrival and departure (departure day not counted). */
export function nightsBetween(arrival: string, departure: string): number {
  return Math.round((Date.parse(departure) - Date.parse(arrival)) / 86400000);
}

/** "Tue 3 Jun": a day a person recognises without counting. */
export function dayLabel(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}

export function money(amount: number | null | undefined): string {
  return typeof amount === "number" ? amount.toFixed(2) : "–";
}

/** "just now", "12 min ago", "3 h ago", else the date: how long a guest has been waiting. */
export function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min ago`;
  return new Date(iso).toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

/** The fields of a 422 problem, for messages next to the inputs. */
export function fieldErrors(errors: Record<string, string[] | unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(errors)) {
    out[field] = Array.isArray(messages) ? messages.join(", ") : String(messages);
  }
  return out;
}
