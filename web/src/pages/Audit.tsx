// The audit log: who changed what, from where, when; filtered on the server.
import { useState } from "preact/hooks";
import { api, type Page } from "../api";
import { describeError, useResource } from "../live";

interface ActivityLog {
  id: string;
  actionType: string;
  collection: string;
  documentId: string | null;
  user: { username?: string; userId?: string } | null;
  timestamp: string;
  changes: { field: string; oldValue: unknown; newValue: unknown }[];
  eventType: string;
  source: string | null;
}

function show(value: unknown): string {
  return value === null || value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function Audit() {
  const [collection, setCollection] = useState("");
  const [who, setWho] = useState("");
  const [applied, setApplied] = useState({ collection: "", user: "" });
  const logs = useResource(
    () => api<Page<ActivityLog>>("GET", "/api/activity-logs", { query: { ...applied, limit: 100 } }),
    [],
    JSON.stringify(applied),
  );

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" onClick={() => void logs.reload()}>Refresh</button>
      </div>
      <form class="filters" aria-label="Audit filters" onSubmit={(e) => { e.preventDefault(); setApplied({ collection, user: who }); }}>
        <label>
          Collection
          <input value={collection} onInput={(e) => setCollection(e.currentTarget.value)} placeholder="rooms, tasks…" />
        </label>
        <label>
          User
          <input value={who} onInput={(e) => setWho(e.currentTarget.value)} />
        </label>
        <button type="submit">Apply</button>
      </form>
      {logs.error && <p class="form-error" role="alert">{describeError(logs.error)}</p>}
      <table class="audit">
        <caption class="sr-only">Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Who</th>
            <th scope="col">Source</th>
            <th scope="col">What</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {logs.data?.items.map((log) => (
            <tr key={log.id}>
              <td><time dateTime={log.timestamp}>{new Date(log.timestamp).toLocaleString()}</time></td>
              <td>{log.user?.username ?? "system"}</td>
              <td>{log.source ?? "—"}</td>
              <td>{log.eventType || `${log.collection} ${log.actionType}`}{log.documentId ? ` · ${log.documentId}` : ""}</td>
              <td>{log.changes.map((c) => `${c.field}: ${show(c.oldValue)} → ${show(c.newValue)}`).join("; ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {logs.data && <p class="muted">{logs.data.items.length} of {logs.data.total} entries</p>}
    </section>
  );
}
