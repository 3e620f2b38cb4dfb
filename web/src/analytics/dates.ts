// Date ranges for analytics: presets, custom from/to, and the query each service expects.

/** A calendar day as YYYY-MM-DD. */
export type Day = string;

export type Preset = "today" | "7d" | "30d" | "custom";

export interface DateRange {
  from: Day;
  to: Day;
}

export const PRESETS: [Preset, string][] = [
  ["today", "Today"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
  ["custom", "Custom"],
];

/** The longest range the services answer (fnb refuses more than a year). */
export const MAX_DAYS = 366;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The browser's calendar day of an instant (the dashboard's "today"). */
export function localDay(moment: Date = new Date()): Day {
  return new Date(moment.getTime() - moment.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isDay(value: string | null | undefined): value is Day {
  return !!value && DAY.test(value) && addDays(value, 0) === value;
}

/** Every day from `from` to `to`, both included. */
export function daysOf(range: DateRange): Day[] {
  const days: Day[] = [];
  for (let day = range.from; day <= range.to && days.length <= MAX_DAYS; day = addDays(day, 1)) days.push(day);
  return days;
}

export function presetRange(preset: Exclude<Preset, "custom">, today: Day = localDay()): DateRange {
  const back = preset === "today" ? 0 : preset === "7d" ? 6 : 29;
  return { from: addDays(today, -back), to: today };
}

/** Which preset a range is, or custom. */
export function presetOf(range: DateRange, today: Day = localDay()): Preset {
  for (const preset of ["today", "7d", "30d"] as const) {
    const candidate = presetRange(preset, today);
    if (candidate.from === range.from && candidate.to === range.to) return preset;
  }
  return "custom";
}

/** Why a custom range cannot be asked for, or null when it can. */
export function rangeProblem(range: DateRange): string | null {
  if (!isDay(range.from) || !isDay(range.to)) return "Choose both a from and a to day.";
  if (range.from > range.to) return "The from day must not be after the to day.";
  if (daysOf(range).length > MAX_DAYS) return `A range is at most ${MAX_DAYS} days.`;
  return null;
}

/** The instant a local day starts, as ISO 8601 UTC (rooms reads its period as instants). */
export function dayStart(day: Day): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d).toISOString();
}

/** Rooms' period [from, to) covering the days of a range. */
export function instantPeriod(range: DateRange): { from: string; to: string } {
  return { from: dayStart(range.from), to: dayStart(addDays(range.to, 1)) };
}

/** "1 Dec – 7 Dec 2026", or one day. */
export function describeRange(range: DateRange): string {
  const format = (day: Day, year: boolean) =>
    new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { day: "numeric", month: "short", ...(year ? { year: "numeric" } : {}) });
  return range.from === range.to ? format(range.from, true) : `${format(range.from, false)} – ${format(range.to, true)}`;
}
