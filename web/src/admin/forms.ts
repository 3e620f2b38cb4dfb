// What the administration screens share: a problem's messages per form field, and a list of
// what a save would change, written out before it is sent.
import { ApiError } from "../api";
import { describeError } from "../live";

export const ROLE_NAMES: Record<string, string> = {
  hotelAdmin: "Hotel admin",
  frontOffice: "Front office",
  supervisor: "Supervisor",
  staff: "Staff",
  restaurantAdmin: "Restaurant admin",
};

export type FieldErrors = Record<string, string>;

/** The problem's `errors` flattened to one message per field path (`slaMinutes.urgent`). */
export function fieldErrorsOf(error: ApiError, conflictFields: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = {};
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item === "string")) out[path] = value.join(", ");
      else value.forEach((item, index) => walk(item, path ? `${path}.${index}` : String(index)));
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (typeof value === "string") {
      out[path] = value;
    }
  };
  walk(error.errors, "");
  // A 409 names its field by code (`username_taken` → username), not in `errors`.
  const field = conflictFields[error.code];
  if (field && !out[field]) out[field] = error.detail || error.title;
  return out;
}

/** The message for the form as a whole: the problem, unless every part of it sits by a field. */
export function formMessage(error: ApiError, fields: FieldErrors): string {
  return Object.keys(fields).length > 0 ? `Not saved: ${error.detail || error.title}. See the marked fields.` : `Not saved: ${describeError(error)}`;
}

export function asApiError(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError({ status: 0, code: "client_error", title: String(caught) });
}

export interface Change {
  label: string;
  from: string;
  to: string;
}

export function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** The fields whose value moved, as label: old → new. */
export function changesBetween<T extends object>(before: T, after: T, labels: Partial<Record<keyof T, string>>): Change[] {
  const changes: Change[] = [];
  for (const key of Object.keys(labels) as (keyof T)[]) {
    const from = shown(before[key] as unknown);
    const to = shown(after[key] as unknown);
    if (from !== to) changes.push({ label: labels[key] ?? String(key), from, to });
  }
  return changes;
}
