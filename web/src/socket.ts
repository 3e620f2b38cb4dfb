// The one Socket.IO client. Events are hints: views refetch through the API client. After a
// reconnect it catches up with GET /api/notifications?since= and tells every view to refetch.
import { io, type Socket } from "socket.io-client";
import { api, getAccessToken, refreshSession, type Page } from "./api";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface Notification {
  id: string;
  event: string;
  type: string;
  roomNumber: string | null;
  taskId: string | null;
  employeeId: string | null;
  taskType: string | null;
  oldStatus: unknown;
  newStatus: unknown;
  createdAt: string;
  timestamp: string;
  read: boolean;
  /** The event's data as published (an alert's message and priority are here). */
  raw?: Record<string, unknown>;
}

/** The pseudo-event views get after a reconnect: refetch whatever you show. */
export const RESYNC = "resync";

type Handler = (event: string, payload: Record<string, unknown>) => void;

let socket: Socket | null = null;
let state: ConnectionState = "offline";
let lastSeen: string | null = null;
let connectedOnce = false;
const handlers = new Set<Handler>();
const stateListeners = new Set<(state: ConnectionState) => void>();

function setState(next: ConnectionState): void {
  state = next;
  stateListeners.forEach((listener) => listener(next));
}

function dispatch(event: string, payload: Record<string, unknown>): void {
  handlers.forEach((handler) => handler(event, payload));
}

// The cursor is the inbox's own time (`createdAt`, from the server's inbox clock), never the
// browser's clock or the event's time: those can be ahead of entries still to come.
async function startCursor(): Promise<void> {
  try {
    const newest = await api<Page<Notification>>("GET", "/api/notifications", { query: { limit: 1 } });
    const first = newest.items[0]?.createdAt;
    if (first && (!lastSeen || first > lastSeen)) lastSeen = first;
  } catch {
    // No cursor yet: the next catch-up reads the latest page instead.
  }
}

async function catchUp(): Promise<void> {
  try {
    const since = lastSeen ? { since: lastSeen } : {};
    const missed = await api<Page<Notification>>("GET", "/api/notifications", { query: { ...since, limit: 500 } });
    for (const item of missed.items) {
      if (item.createdAt > (lastSeen ?? "")) lastSeen = item.createdAt;
    }
  } finally {
    dispatch(RESYNC, {});
  }
}

export function connect(): void {
  if (socket) return;
  connectedOnce = false;
  lastSeen = null;
  void startCursor();
  setState("connecting");
  socket = io({
    path: "/socket.io/",
    transports: ["websocket", "polling"],
    // A function, so every reconnect presents the current (possibly refreshed) token.
    auth: (send) => send({ token: getAccessToken() }),
  });
  socket.on("connect", () => {
    setState("live");
    if (connectedOnce) void catchUp();
    connectedOnce = true;
  });
  socket.on("disconnect", () => setState("reconnecting"));
  socket.on("connect_error", async () => {
    setState("reconnecting");
    // A refused handshake is usually an expired token: refresh once, then let it retry.
    if (socket && !socket.active && (await refreshSession())) socket.connect();
  });
  socket.onAny((event: string, payload: Record<string, unknown>) => {
    const createdAt = typeof payload?.createdAt === "string" ? payload.createdAt : null;
    if (createdAt && (!lastSeen || createdAt > lastSeen)) lastSeen = createdAt;
    dispatch(event, payload ?? {});
  });
}

export function disconnect(): void {
  socket?.disconnect();
  socket = null;
  setState("offline");
}

/** Listen to hints: `matches` is an event name prefix such as "room." or "task.". */
export function onEvent(matches: string[], handler: Handler): () => void {
  const wrapped: Handler = (event, payload) => {
    if (event === RESYNC || matches.some((prefix) => event.startsWith(prefix))) handler(event, payload);
  };
  handlers.add(wrapped);
  return () => handlers.delete(wrapped);
}

export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}
