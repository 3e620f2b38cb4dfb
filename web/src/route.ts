// The dashboard's location lives in the hash: `#/<page>?<filters>`. A filter in the hash is a
// link another screen can give (the Today page links "3 rooms out of order" to `#/rooms?outOfOrder=1`).
import { useEffect, useState } from "preact/hooks";

export interface Route {
  page: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [page, query = ""] = raw.split("?", 2);
  return { page, params: new URLSearchParams(query) };
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("hashchange", update);
    window.addEventListener(REPLACED, update);
    return () => {
      window.removeEventListener("hashchange", update);
      window.removeEventListener(REPLACED, update);
    };
  }, []);
  return route;
}

// replaceState fires no hashchange: this event tells useRoute instead.
const REPLACED = "hotel:route-replaced";

/** Change the filters of the current page without a history entry per click. */
export function replaceRoute(link: string): void {
  window.history.replaceState(window.history.state, "", link);
  window.dispatchEvent(new Event(REPLACED));
}

/** The link to a page with filters (empty values are left out). */
export function linkTo(page: string, params: Record<string, string | number | boolean | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "" && value !== false) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `#/${page}?${text}` : `#/${page}`;
}
