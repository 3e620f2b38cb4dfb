// PMS sync: is OPERA reachable, what is waiting or failed, where our rooms and OPERA's disagree,
// and a reconcile that repairs it (we win on housekeeping, OPERA on occupancy).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type User } from "../api";
import { describeError, useResource } from "../live";
import "./Pms.css";

export interface SyncStatus {
  pmsReachable: boolean;
  breaker: "closed" | "open" | "half_open";
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastPollAt: string | null;
  lastReconcileAt: string | null;
  lastError: string | null;
  pending: number;
  failed: number;
  failedItems: { id: string; kind: "roomStatus" | "charge"; roomNumber: string | null; lastError: string | null; failedAt: string | null }[];
}

interface Side {
  housekeepingStatus: string | null;
  frontOfficeStatus: string | null;
  hkOccupancy: string | null;
  outOfOrder: string | null;
}

interface DriftItem {
  roomNumber: string;
  ours: Side;
  pms: Side;
  fields: string[];
}

interface Reconciled {
  id: string;
  at: string;
  drifted: number;
  actions: { roomNumber: string; fields: string[]; actions: ("send_ours" | "emit_pms")[] }[];
  reservationsImported: number;
  requeued: number;
}

const FIELD_NAMES: Record<keyof Side, string> = {
  housekeepingStatus: "Housekeeping",
  frontOfficeStatus: "Front office",
  hkOccupancy: "HK occupancy",
  outOfOrder: "Out of order",
};
const SIDE_FIELDS = Object.keys(FIELD_NAMES) as (keyof Side)[];
const REFRESH_MS = 15000;

/** "12:03:10 (2 min ago)", or "never". */
export function when(iso: string | null, now = Date.now()): string {
  if (!iso) return "never";
  const at = new Date(iso);
  const minutes = Math.round((now - at.getTime()) / 60000);
  const ago = minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
  return `${at.toLocaleTimeString()} (${ago})`;
}

/** The sync's health in one line a front desk understands, and its tone. */
export function health(status: SyncStatus): { text: string; tone: "ok" | "warn" | "bad" } {
  if (!status.pmsReachable || status.breaker === "open") {
    return { text: `OPERA cannot be reached: ${status.pending} change${status.pending === 1 ? "" : "s"} waiting, nothing lost`, tone: "bad" };
  }
  if (status.failed > 0) return { text: `Connected, but ${status.failed} change${status.failed === 1 ? "" : "s"} failed and need a look`, tone: "warn" };
  if (status.breaker === "half_open") return { text: "Reconnecting to OPERA…", tone: "warn" };
  return { text: status.pending > 0 ? `Connected: sending ${status.pending} change${status.pending === 1 ? "" : "s"}` : "Connected: in step with OPERA", tone: "ok" };
}

function useEvery(ms: number, action: () => void): void {
  useEffect(() => {
    const timer = window.setInterval(action, ms);
    return () => window.clearInterval(timer);
  }, [ms]);
}

function actionText(action: "send_ours" | "emit_pms"): string {
  return action === "send_ours" ? "our status sent to OPERA" : "OPERA's occupancy taken";
}

export function Pms({ user }: { user: User }) {
  const status = useResource(() => api<SyncStatus>("GET", "/api/pms/status"), []);
  const drift = useResource(() => api<{ items: DriftItem[]; total: number }>("GET", "/api/pms/drift"), ["room.", "customer."]);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Reconciled | null>(null);
  const [message, setMessage] = useState("");
  useEvery(REFRESH_MS, () => {
    void status.reload();
    void drift.reload();
  });

  async function reconcile() {
    setRunning(true);
    setMessage("Comparing every room with OPERA and repairing…");
    try {
      const done = await api<Reconciled>("POST", "/api/pms/reconcile");
      setResult(done);
      setMessage(
        done.drifted === 0
          ? "Reconciled: every room already matched OPERA."
          : `Reconciled: ${done.drifted} room${done.drifted === 1 ? "" : "s"} repaired.`,
      );
    } catch (caught) {
      setMessage(`Not reconciled: ${describeError(caught as ApiError)}`);
    } finally {
      setRunning(false);
      await Promise.all([status.reload(), drift.reload()]);
    }
  }

  const s = status.data;
  const shown = s ? health(s) : null;
  const items = drift.data?.items ?? [];

  return (
    <section aria-labelledby="pms-title" class="pms">
      <div class="page-head">
        <h1 id="pms-title">PMS sync</h1>
        <span class="muted">Oracle OPERA · refreshed every 15 s{status.asOf ? `, last ${status.asOf.toLocaleTimeString()}` : ""}</span>
      </div>

      {status.error && <p class="error">Sync status unavailable: {describeError(status.error)}</p>}
      {s && shown && (
        <>
          <p class={`pms-health pms-${shown.tone}`} role="status">
            <span aria-hidden="true">{shown.tone === "ok" ? "●" : shown.tone === "warn" ? "▲" : "■"}</span> {shown.text}
          </p>
          <dl class="pms-facts">
            <div>
              <dt>Waiting to send</dt>
              <dd>{s.pending}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd>{s.failed}</dd>
            </div>
            <div>
              <dt>Connection guard</dt>
              <dd>{s.breaker === "closed" ? "Closed (calls flow)" : s.breaker === "open" ? "Open (calls paused)" : "Testing one call"}</dd>
            </div>
            <div>
              <dt>Last successful call</dt>
              <dd>{when(s.lastSuccessAt)}</dd>
            </div>
            <div>
              <dt>Last poll of OPERA's events</dt>
              <dd>{when(s.lastPollAt)}</dd>
            </div>
            <div>
              <dt>Last reconcile</dt>
              <dd>{when(s.lastReconcileAt)}</dd>
            </div>
          </dl>
          {s.lastError && <p class="muted">Last error: {s.lastError}</p>}
          {s.failedItems.length > 0 && (
            <table class="pms-table">
              <caption>Changes OPERA refused (the latest {s.failedItems.length})</caption>
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col">Room</th>
                  <th scope="col">Error</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {s.failedItems.map((item) => (
                  <tr key={item.id}>
                    <td>{item.kind === "charge" ? "Folio charge" : "Room status"}</td>
                    <td>{item.roomNumber ?? "—"}</td>
                    <td>{item.lastError ?? "—"}</td>
                    <td>{when(item.failedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <h2>Rooms that differ from OPERA</h2>
      {user.role === "hotelAdmin" && (
        <div class="pms-reconcile">
          <button type="button" class="primary" disabled={running} onClick={() => void reconcile()}>
            {running ? "Reconciling…" : "Reconcile now"}
          </button>
          <span class="muted">Our housekeeping status wins; OPERA's occupancy wins. Safe to run at any time.</span>
        </div>
      )}
      <p class="status-line" role="status" aria-live="polite">
        {message}
      </p>
      {result && result.actions.length > 0 && (
        <ul class="pms-repairs" aria-label="What the reconcile repaired">
          {result.actions.map((repair) => (
            <li key={repair.roomNumber}>
              Room {repair.roomNumber}: {repair.fields.map((f) => FIELD_NAMES[f as keyof Side] ?? f).join(", ")} — {repair.actions.map(actionText).join("; ")}
            </li>
          ))}
          {result.reservationsImported > 0 && <li>{result.reservationsImported} reservation(s) imported from OPERA</li>}
          {result.requeued > 0 && <li>{result.requeued} failed change(s) given another try</li>}
        </ul>
      )}
      {drift.error && (
        <p class="error">
          {drift.error.status === 503 ? "OPERA cannot be read right now, so rooms cannot be compared. Changes keep waiting and nothing is lost." : describeError(drift.error)}
        </p>
      )}
      {drift.data && items.length === 0 && (
        <p class="pms-calm">
          <span aria-hidden="true">✓</span> Every room matches OPERA.
        </p>
      )}
      {items.length > 0 && (
        <table class="pms-table pms-drift">
          <caption>
            {items.length} room{items.length === 1 ? "" : "s"} differ; the differing values are marked ≠
          </caption>
          <thead>
            <tr>
              <th scope="col">Room</th>
              {SIDE_FIELDS.map((field) => (
                <th scope="col" key={field}>
                  {FIELD_NAMES[field]}
                  <span class="muted"> ours / OPERA</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.roomNumber}>
                <th scope="row">{item.roomNumber}</th>
                {SIDE_FIELDS.map((field) => {
                  const differs = item.fields.includes(field);
                  return (
                    <td key={field} class={differs ? "pms-differs" : undefined}>
                      {differs && <span class="sr-only">differs: </span>}
                      {item.ours[field] ?? "—"} {differs ? <span aria-hidden="true">≠</span> : "/"} {item.pms[field] ?? "—"}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
