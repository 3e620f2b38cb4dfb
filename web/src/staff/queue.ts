// The phone's outbox: every room status change and task step is kept in IndexedDB first, sent in
// the order it was made (each with the If-Match it was made against), and never dropped: a change
// the server refuses waits in "needs your attention" with what the server has now.
import { api, ApiError, getAccessToken, getUser, refreshSession } from "../api";

export type ChangeKind = "room" | "task" | "note";

export interface Change {
  id?: number;
  kind: ChangeKind;
  /** Room number or task id. */
  target: string;
  method: "PATCH" | "POST";
  path: string;
  body: Record<string, unknown>;
  /** The version the change was made against: sent as If-Match (a note needs none, but the
   * task's version moves with it, so the next queued step expects one more). */
  version?: number;
  /** Who made it: only their session sends it. */
  userId: string;
  /** What the person asked for: a room status, a task status, or the note's text. */
  to: string;
  /** For showing it: the task's type and room. Never sent. */
  context?: Record<string, string>;
  madeAt: string;
  state: "waiting" | "attention";
  problem?: { status: number; code: string; detail: string };
  /** The room or task as the server has it now (fetched when it refused the change). */
  current?: Record<string, unknown> | null;
}

const DB = "hotel-staff";
const STORE = "changes";
let opening: Promise<IDBDatabase> | null = null;
const listeners = new Set<(changes: Change[]) => void>();
let snapshot: Change[] = [];

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function publish(): Promise<void> {
  // Keys are increasing integers, so getAll() answers in the order the changes were made.
  snapshot = await run("readonly", (store) => store.getAll() as IDBRequest<Change[]>);
  listeners.forEach((listener) => listener(snapshot));
}

export function onChanges(listener: (changes: Change[]) => void): () => void {
  listeners.add(listener);
  listener(snapshot);
  return () => listeners.delete(listener);
}

/** A change reached the server: views refetch what they show (awaited before the change leaves
 * the outbox, so a row never flashes back to its old state in between). */
const sentListeners = new Set<() => Promise<void>>();
const LIST_SETTLE_MS = 300;
export function onSent(listener: () => Promise<void>): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

export async function enqueue(change: Omit<Change, "id" | "state" | "madeAt">): Promise<void> {
  await run("readwrite", (store) => store.add({ ...change, state: "waiting", madeAt: new Date().toISOString() }));
  await publish();
  void flush();
}

export async function discard(id: number): Promise<void> {
  await run("readwrite", (store) => store.delete(id));
  await publish();
}

function currentPath(change: Change): string {
  return change.kind === "room" ? `/api/rooms/${encodeURIComponent(change.target)}` : `/api/tasks/${encodeURIComponent(change.target)}`;
}

async function fetchCurrent(change: Change): Promise<Record<string, unknown> | null> {
  try {
    return await api<Record<string, unknown>>("GET", currentPath(change));
  } catch {
    return null;
  }
}

/** Re-apply a refused change against the server's current version, at the end of the line. */
export async function retry(change: Change): Promise<void> {
  const current = await fetchCurrent(change);
  const version = typeof current?.version === "number" ? current.version : change.version;
  const { id: _id, problem: _problem, current: _current, state: _state, ...rest } = change;
  // One transaction: the change is never both gone and not yet back.
  await run("readwrite", (store) => {
    store.delete(change.id!);
    return store.add({ ...rest, version, state: "waiting" });
  });
  await publish();
  void flush();
}

/** A refusal the person must see: the server answered, and said no. */
function isRefusal(error: ApiError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429;
}

async function send(change: Change): Promise<void> {
  await api(change.method, change.path, { body: change.body, ifMatch: change.kind === "note" ? undefined : change.version });
}

let flushing: Promise<void> | null = null;
let rerun = false;
let retryTimer: number | undefined;

function retrySoon(delayMs: number): void {
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(() => void flush(), delayMs);
}

/** Send the waiting changes in order; stop at the first that cannot reach the server. */
export function flush(): Promise<void> {
  if (flushing) {
    // A drain is under way but may already have looked for the next change: look once more.
    rerun = true;
    return flushing;
  }
  // .finally runs after the assignment even when the drain ends at once (offline).
  flushing = (async () => {
    do {
      rerun = false;
      await drain();
    } while (rerun && navigator.onLine);
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

async function drain(): Promise<void> {
  try {
    for (;;) {
      if (!navigator.onLine) return;
      // A session brought back offline has no token yet: the refresh cookie gives one now.
      if (!getAccessToken() && !(await refreshSession().catch(() => false))) return;
      const me = getUser()?.id;
      const next = (await run("readonly", (store) => store.getAll() as IDBRequest<Change[]>)).find((change) => change.state === "waiting" && change.userId === me);
      if (!next) return;
      try {
        await send(next);
        await Promise.all([...sentListeners].map((listener) => listener().catch(() => undefined)));
        await run("readwrite", (store) => store.delete(next.id!));
        // Lists are served from each server process's own read model, which may take a few
        // milliseconds (by design at most 50) to hear a write another process made: the
        // refetch above can land there first. One more look shortly after settles it.
        window.setTimeout(() => sentListeners.forEach((listener) => void listener().catch(() => undefined)), LIST_SETTLE_MS);
      } catch (caught) {
        const error = caught instanceof ApiError ? caught : new ApiError({ status: 0, code: "client_error", title: String(caught) });
        if (!isRefusal(error)) {
          // No signal after all, or the server is busy: try again soon (the connection often
          // flaps just after it returns), later the periodic retry takes over.
          retrySoon(error.retryAfter ? error.retryAfter * 1000 : 2000);
          return;
        }
        const current = await fetchCurrent(next);
        const problem = { status: error.status, code: error.code, detail: error.detail || error.title };
        await run("readwrite", (store) => store.put({ ...next, state: "attention", problem, current }));
        sentListeners.forEach((listener) => void listener().catch(() => undefined));
      }
      await publish();
    }
  } finally {
    await publish();
  }
}

/** Replay when the connection returns, and every 10 s while something waits. */
export function startReplay(): () => void {
  void publish().then(() => flush());
  const online = () => void flush();
  window.addEventListener("online", online);
  const timer = window.setInterval(() => {
    if (snapshot.some((change) => change.state === "waiting")) void flush();
  }, 10000);
  return () => {
    window.removeEventListener("online", online);
    window.clearInterval(timer);
  };
}

/** What a room or task will be once its waiting changes are sent: the last one's outcome, one
 * version further per change. Null when nothing waits for it. */
export function pendingFor(kind: "room" | "task", target: string, all: Change[]): { to: string | null; version: number | undefined; count: number } | null {
  const mine = all.filter((change) => change.state === "waiting" && change.target === target && (kind === "room" ? change.kind === "room" : change.kind !== "room"));
  if (mine.length === 0) return null;
  const last = mine[mine.length - 1];
  const lastStep = [...mine].reverse().find((change) => change.kind !== "note");
  return { to: lastStep?.to ?? null, version: last.version === undefined ? undefined : last.version + 1, count: mine.length };
}
