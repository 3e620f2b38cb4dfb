// Data for a view: loaded through the API client, reloaded when a matching hint arrives.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";
import { onEvent } from "./socket";

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** When the data was last fetched: shown as "as of hh:mm:ss". */
  asOf: Date | null;
  reload: () => Promise<void>;
}

export function useResource<T>(load: () => Promise<T>, hints: string[], key = ""): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [asOf, setAsOf] = useState<Date | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const next = await loadRef.current();
      if (mine !== generation.current) return; // a newer fetch started: its answer wins
      setData(next);
      setError(null);
      setAsOf(new Date());
    } catch (caught) {
      if (mine !== generation.current) return;
      setError(caught instanceof ApiError ? caught : new ApiError({ status: 0, code: "client_error", title: String(caught) }));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [key, reload]);

  useEffect(() => {
    if (hints.length === 0) return;
    // Several hints in a burst cause one refetch.
    let timer: number | undefined;
    const off = onEvent(hints, () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void reload(), 50);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [hints.join(","), reload]);

  return { data, error, loading, asOf, reload };
}

/** Field errors as "field: message" pairs; nested fields (`audience.value`) are spelled out. */
function fieldMessages(errors: unknown, prefix = ""): string[] {
  if (Array.isArray(errors)) return [`${prefix}: ${errors.map(String).join(", ")}`];
  if (errors && typeof errors === "object") {
    return Object.entries(errors as Record<string, unknown>).flatMap(([field, value]) => fieldMessages(value, prefix ? `${prefix}.${field}` : field));
  }
  return errors === undefined || errors === null ? [] : [`${prefix}: ${String(errors)}`];
}

export function describeError(error: ApiError): string {
  const fields = fieldMessages(error.errors).join("; ");
  return fields ? `${error.detail || error.title} (${fields})` : error.detail || error.title;
}
