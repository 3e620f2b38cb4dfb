// Alerts: a supervisor (their department or one of its people) or the hotel admin (anyone) sends
// a message, then follows who has read it. A recipient reading it hints `alert.read` to the
// sender, and the sent list refetches (also when the window regains focus).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import {
  ago,
  ALERT_ROLES,
  audienceText,
  expectedReaders,
  MAX_MESSAGE,
  PRIORITIES,
  problemText,
  readSummary,
  type Alert,
  type AlertPriority,
  type AudienceKind,
  type Employee,
} from "../alerts/receipts";
import { useResource } from "../live";
import { useNow } from "../time";
import "./Alerts.css";

interface Department {
  code: string;
  name: string;
}

const PAGE = 50;

export function Alerts({ user }: { user: User }) {
  const isAdmin = user.role === "hotelAdmin";
  const mayAlert = isAdmin || (user.role === "supervisor" && !!user.department);
  const [limit, setLimit] = useState(PAGE);
  const sent = useResource(
    () => (mayAlert ? api<Page<Alert>>("GET", "/api/alerts", { query: { limit } }) : Promise.resolve(null)),
    mayAlert ? ["alert."] : [],
    String(limit),
  );
  const departments = useResource(() => api<Page<Department>>("GET", "/api/departments"), []);
  const employees = useResource(
    () => api<Page<Employee>>("GET", "/api/employees", { query: { limit: 500, ...(isAdmin ? {} : { department: user.department ?? "" }) } }),
    [],
  );
  const now = useNow();
  const [message, setMessage] = useState("");

  useEffect(() => {
    // A receipt that arrived while the hint was missed (asleep tab, reconnect) shows on return.
    const refetch = () => void sent.reload();
    window.addEventListener("focus", refetch);
    return () => window.removeEventListener("focus", refetch);
  }, [sent.reload]);

  if (!mayAlert) {
    return (
      <section aria-labelledby="alerts-title">
        <h1 id="alerts-title">Alerts</h1>
        <p>Alerts are sent by supervisors (to their department) and the hotel admin. Alerts sent to you are in the bell at the top.</p>
      </section>
    );
  }

  const roster = employees.data?.items ?? [];
  const departmentNames = new Map((departments.data?.items ?? []).map((d) => [d.code, d.name || d.code]));
  const items = sent.data?.items ?? [];
  const total = sent.data?.total ?? 0;

  return (
    <section aria-labelledby="alerts-title">
      <div class="page-head">
        <h1 id="alerts-title">Alerts</h1>
        {sent.asOf && <span class="muted">as of {sent.asOf.toLocaleTimeString()}</span>}
      </div>
      <Compose
        user={user}
        departments={departments.data?.items ?? []}
        roster={roster}
        onSent={(text) => {
          setMessage(text);
          void sent.reload();
        }}
      />
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      <h2 id="sent-title">{isAdmin ? "Sent alerts (everyone's)" : "Alerts you sent"}</h2>
      {employees.error && <p class="muted">Who should read each alert is unknown: {problemText(employees.error)}</p>}
      {sent.error && <p class="form-error" role="alert">Sent alerts could not be loaded: {problemText(sent.error)}</p>}
      {!sent.loading && !sent.error && items.length === 0 && (
        <p class="alerts-empty">No alerts sent yet. Write one above: it reaches everyone you choose at once, and you will see here who has read it.</p>
      )}
      <ul class="alert-list" aria-labelledby="sent-title">
        {items.map((alert) => (
          <li key={alert.id}>
            <SentAlert alert={alert} roster={roster} departments={departmentNames} now={now} showSender={isAdmin} />
          </li>
        ))}
      </ul>
      {items.length < total && (
        <button type="button" onClick={() => setLimit(Math.min(limit + PAGE, 500))} disabled={limit >= 500}>
          Show older alerts ({total - items.length} more)
        </button>
      )}
    </section>
  );
}

function SentAlert(props: { alert: Alert; roster: Employee[]; departments: Map<string, string>; now: number; showSender: boolean }) {
  const { alert, roster, departments, now } = props;
  const expected = expectedReaders(alert, roster);
  const summary = readSummary(alert, expected);
  const [label, glyph] = PRIORITIES.filter(([code]) => code === alert.priority).map(([, l, g]) => [l, g])[0] ?? [alert.priority, "•"];
  const sentAt = new Date(alert.createdAt);
  return (
    <article class={`alert-card priority-${alert.priority}`} aria-label={`Alert to ${audienceText(alert, roster, departments)}: ${alert.message}`}>
      <p class="card-head">
        <strong>To {audienceText(alert, roster, departments)}</strong>
        <span class={`priority priority-${alert.priority}`}>
          <span aria-hidden="true">{glyph} </span>
          {label}
        </span>
      </p>
      <p class="alert-message">{alert.message}</p>
      <p class="muted">
        Sent <time dateTime={alert.createdAt} title={sentAt.toLocaleString()}>{ago(alert.createdAt, now)}</time>
        {props.showSender && <> by {alert.sentBy.username}</>}
      </p>
      <p class={summary.complete ? "receipt-line complete" : "receipt-line"}>
        <span aria-hidden="true">{summary.complete ? "✓✓ " : "◷ "}</span>
        {summary.text}
      </p>
      {alert.readBy.length > 0 && (
        <ul class="readers" aria-label="Read by">
          {alert.readBy.map((receipt) => (
            <li key={receipt.userId}>
              {receipt.username}
              {receipt.employeeCode && <span class="muted"> ({receipt.employeeCode})</span>} ·{" "}
              <time dateTime={receipt.readAt} title={new Date(receipt.readAt).toLocaleString()}>
                {new Date(receipt.readAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </time>
            </li>
          ))}
        </ul>
      )}
      {summary.waitingFor.length > 0 && alert.readCount > 0 && (
        <p class="muted">Not read yet: {summary.waitingFor.map((e) => `${e.name} (${e.employeeCode})`).join(", ")}</p>
      )}
    </article>
  );
}

function Compose(props: { user: User; departments: Department[]; roster: Employee[]; onSent: (text: string) => void }) {
  const { user } = props;
  const isAdmin = user.role === "hotelAdmin";
  const own = user.department ?? "";
  const [kind, setKind] = useState<AudienceKind>("department");
  const [value, setValue] = useState(isAdmin ? "" : own);
  const [text, setText] = useState("");
  const [priority, setPriority] = useState<AlertPriority>("normal");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const departmentChoices = isAdmin ? props.departments : props.departments.filter((d) => d.code === own);
  const people = props.roster.filter((e) => e.employeeCode !== user.employeeCode && (isAdmin || e.department === own));

  function chooseKind(next: AudienceKind) {
    setKind(next);
    setValue(next === "department" && !isAdmin ? own : "");
  }

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const alert = await api<Alert>("POST", "/api/alerts", { body: { audience: { kind, value }, message: text.trim(), priority } });
      const departments = new Map(props.departments.map((d) => [d.code, d.name || d.code]));
      props.onSent(`Alert sent to ${audienceText(alert, props.roster, departments)}.`);
      setText("");
    } catch (caught) {
      setError(problemText(caught as ApiError));
    } finally {
      setBusy(false);
    }
  }

  const length = text.trim().length;
  return (
    <form class="alert-compose" aria-labelledby="compose-title" onSubmit={submit}>
      <h2 id="compose-title">Send an alert</h2>
      <div class="compose-row">
        <div class="field">
          <label for="alert-kind">Send to</label>
          <select id="alert-kind" value={kind} onChange={(e) => chooseKind(e.currentTarget.value as AudienceKind)}>
            <option value="department">{isAdmin ? "A department" : "My department"}</option>
            <option value="employee">One person</option>
            {isAdmin && <option value="role">Everyone with a role</option>}
          </select>
        </div>
        {kind === "department" && (
          <div class="field">
            <label for="alert-to">Department</label>
            <select id="alert-to" value={value} onChange={(e) => setValue(e.currentTarget.value)} required>
              {isAdmin && <option value="">Choose…</option>}
              {departmentChoices.length === 0 && !isAdmin && <option value={own}>{own}</option>}
              {departmentChoices.map((d) => (
                <option key={d.code} value={d.code}>{d.name || d.code}</option>
              ))}
            </select>
          </div>
        )}
        {kind === "role" && (
          <div class="field">
            <label for="alert-to">Role</label>
            <select id="alert-to" value={value} onChange={(e) => setValue(e.currentTarget.value)} required>
              <option value="">Choose…</option>
              {ALERT_ROLES.map(([code, name]) => (
                <option key={code} value={code}>{name}</option>
              ))}
            </select>
          </div>
        )}
        {kind === "employee" && (
          <div class="field">
            <label for="alert-to">Person</label>
            <select id="alert-to" value={value} onChange={(e) => setValue(e.currentTarget.value)} required>
              <option value="">Choose…</option>
              {people.map((e) => (
                <option key={e.employeeCode} value={e.employeeCode}>{e.name} ({e.employeeCode}{isAdmin ? `, ${e.department}` : ""})</option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="priority-choice">
          <legend>Priority</legend>
          {PRIORITIES.map(([code, label, glyph]) => (
            <label key={code} class="check">
              <input type="radio" name="alert-priority" value={code} checked={priority === code} onChange={() => setPriority(code)} />
              <span aria-hidden="true">{glyph}</span> {label}
            </label>
          ))}
        </fieldset>
      </div>
      <div class="field compose-message">
        <label for="alert-message">Message</label>
        <textarea id="alert-message" value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={MAX_MESSAGE} rows={3} required aria-describedby="message-count" />
      </div>
      <p id="message-count" class="muted">{length} of {MAX_MESSAGE} characters</p>
      {error && <p class="form-error" role="alert">Not sent: {error}</p>}
      <button type="submit" class="primary" disabled={busy || length === 0 || !value}>
        {busy ? "Sending…" : "Send alert"}
      </button>
    </form>
  );
}
