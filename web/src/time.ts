// Time on screen: a clock that moves on its own, and dates as a person reads them.
import { useEffect, useState } from "preact/hooks";

/** The current time, refreshed every `intervalMs`, so ages and SLA clocks on screen stay true
 * without a reload. */
export function useNow(intervalMs = 30000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** An out-of-order end as a person reads it: "Thu 3 Dec" (no end: "further notice"). */
export function untilText(iso: string | null | undefined): string {
  if (!iso) return "further notice";
  return new Date(iso).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}
