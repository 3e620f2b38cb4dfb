// The one API client: the access token lives here in memory only; the refresh token is the
// HttpOnly cookie auth sets (scoped to /api/auth/), so script never sees it.

export type Role = "hotelAdmin" | "frontOffice" | "supervisor" | "staff" | "restaurantAdmin" | "guest";

export interface User {
  id: string;
  username: string;
  role: Role;
  department: string | null;
  employeeCode: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** An RFC 9457 problem answered by the platform (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: Record<string, string[]>;
  /** Seconds to wait, from Retry-After (429, 503), else null. */
  readonly retryAfter: number | null;
  /** The problem's other members (e.g. `item` of item_unavailable). */
  readonly extra: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    errors?: Record<string, string[]>;
    retryAfter?: number | null;
    extra?: Record<string, unknown>;
  }) {
    super(init.detail || init.title);
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? "";
    this.errors = init.errors ?? {};
    this.retryAfter = init.retryAfter ?? null;
    this.extra = init.extra ?? {};
  }
}

interface Grant {
  accessToken: string;
  expiresIn: number;
  user: User;
}

let accessToken: string | null = null;
let currentUser: User | null = null;
let refreshing: Promise<boolean> | null = null;
const sessionListeners = new Set<(user: User | null) => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function getUser(): User | null {
  return currentUser;
}

/** Called with the user on sign-in and with null when the session ends (logout, refresh refused). */
export function onSessionChange(listener: (user: User | null) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

// Not a credential: only "this browser signed in and has not signed out", so a fresh visitor's
// first load skips a refresh that could only answer 401.
const SIGNED_IN_HINT = "hotel.signedIn";

function rememberSignedIn(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, "1");
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage disabled: every load then tries the refresh cookie.
  }
}

function setSession(grant: Grant | null): void {
  const before = currentUser?.id ?? null;
  accessToken = grant?.accessToken ?? null;
  currentUser = grant?.user ?? null;
  rememberSignedIn(grant !== null);
  if ((currentUser?.id ?? null) !== before) {
    sessionListeners.forEach((listener) => listener(currentUser));
  }
}

const PROBLEM_MEMBERS = new Set(["type", "title", "status", "detail", "code", "errors", "requestId", "instance"]);

async function toError(response: Response): Promise<ApiError> {
  const retryAfterHeader = response.headers.get("Retry-After");
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : null;
  let body: Record<string, unknown> = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (should not happen behind the gateway): keep the status line.
  }
  return new ApiError({
    status: response.status,
    code: typeof body.code === "string" ? body.code : `http_${response.status}`,
    title: typeof body.title === "string" ? body.title : response.statusText || "Request failed",
    detail: typeof body.detail === "string" ? body.detail : undefined,
    errors: (body.errors as Record<string, string[]>) ?? undefined,
    retryAfter,
    extra: Object.fromEntries(Object.entries(body).filter(([key]) => !PROBLEM_MEMBERS.has(key))),
  });
}

async function send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError({ status: 0, code: "network_error", title: "No connection", detail: "The server could not be reached. Check the network and try again." });
  }
}

/** Trade the refresh cookie for a new access token; concurrent callers share one attempt. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    const attempt = async () => {
      const response = await send("POST", "/api/auth/refresh", {}, {});
      if (!response.ok) {
        setSession(null);
        return false;
      }
      setSession(await response.json());
      return true;
    };
    // Tabs share the cookie and auth treats a reused refresh token as theft: one tab refreshes at
    // a time, so the next one sends the cookie the previous rotation set.
    refreshing = (navigator.locks ? navigator.locks.request("hotel-refresh", attempt) : attempt()).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** On page load: bring the session back from the refresh cookie, if this browser had one. */
export async function restoreSession(): Promise<boolean> {
  let hinted = true;
  try {
    hinted = localStorage.getItem(SIGNED_IN_HINT) === "1";
  } catch {
    hinted = true;
  }
  return hinted ? refreshSession() : false;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** The resource version the write is based on: sent as If-Match "<version>". */
  ifMatch?: number;
  /** Further request headers (e.g. an Idempotency-Key), sent on the retry too. */
  headers?: Record<string, string>;
}

function withQuery(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** One call to the platform: JSON in and out; a problem becomes an ApiError. A 401 triggers one
 * refresh through the cookie and one retry (the refused request had no effect, so it is safe). */
export async function api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, options.query);
  const attempt = () => {
    const headers: Record<string, string> = { ...options.headers };
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (options.ifMatch !== undefined) headers["If-Match"] = `"${options.ifMatch}"`;
    return send(method, url, options.body, headers);
  };
  let response = await attempt();
  if (response.status === 401 && accessToken && (await refreshSession())) {
    response = await attempt();
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function login(username: string, password: string): Promise<User> {
  const response = await send("POST", "/api/auth/login", { username, password }, {});
  if (!response.ok) throw await toError(response);
  // The body's refreshToken is ignored on purpose: the browser keeps it only as the cookie.
  const grant: Grant = await response.json();
  setSession(grant);
  return grant.user;
}

/** A guest signs in with their room number and booking code (specialId); the token is scoped
 * to that room and lasts while the stay is checked in. The refresh cookie works as for staff. */
export async function guestLogin(roomNumber: string, specialId: string): Promise<User> {
  const response = await send("POST", "/api/auth/guest-login", { roomNumber, specialId }, {});
  if (!response.ok) throw await toError(response);
  const grant: Grant = await response.json();
  setSession(grant);
  return grant.user;
}

/** Revoke the refresh cookie's family on the server, clear the cookie and the token in memory. */
export async function logout(): Promise<void> {
  try {
    await send("POST", "/api/auth/logout", {}, {});
  } finally {
    setSession(null);
  }
}
