// How fresh a list is: "As of 10:42, offline" when it came from the phone's copy.
import { t } from "./strings";

function clock(date: Date): string {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function AsOf({ asOf, offlineAsOf, online }: { asOf: Date | null; offlineAsOf?: string; online: boolean }) {
  if (offlineAsOf) return <p class="st-asof st-stale">{t("asOfOffline", { time: clock(new Date(offlineAsOf)) })}</p>;
  if (!asOf) return null;
  return <p class={online ? "st-asof" : "st-asof st-stale"}>{t(online ? "asOf" : "asOfOffline", { time: clock(asOf) })}</p>;
}
