// Departments & SLAs: each department's name, job types and SLA minutes per priority (changes
// reviewed before saving), and who of its staff is on duty (auto-assignment picks from them).
// `#/settings?department=housekeeping` shows one department.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { linkTo, useRoute } from "../route";
import { Field } from "../admin/Field";
import { asApiError, changesBetween, ROLE_NAMES, fieldErrorsOf, formMessage, type FieldErrors } from "../admin/forms";
import "./Settings.css";

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
type Priority = (typeof PRIORITIES)[number];
const PRIORITY_NAMES: Record<Priority, string> = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" };
const MAX_MINUTES = 60 * 24 * 30;
const JOB_TYPE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

interface Department {
  code: string;
  name: string;
  jobTypes: string[];
  slaMinutes: Record<Priority, number>;
  acknowledgeMinutes: number;
  escalation: { notify: string; afterMinutes: number }[];
  version: number;
  updatedAt?: string;
}

interface Employee {
  employeeCode: string;
  name: string;
  role: string;
  department: string;
  jobTitle: string | null;
  onDuty: boolean;
  openTasks: number;
  version: number;
}

/** 90 → "1 h 30 min": an SLA a supervisor reads at a glance. */
export function minutesText(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return "";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean).join(" ");
}

export function Settings({ user }: { user: User }) {
  const route = useRoute();
  const [only, setOnly] = useState(route.params.get("department") ?? "");
  const departments = useResource(() => api<Page<Department>>("GET", "/api/departments"), []);
  const employees = useResource(() => api<Page<Employee>>("GET", "/api/employees", { query: { limit: 500 } }), []);
  const [message, setMessage] = useState("");

  useEffect(() => {
    const target = linkTo("settings", { department: only });
    if (window.location.hash !== target) history.replaceState(null, "", target);
  }, [only]);

  const all = departments.data?.items ?? [];
  const shown = only ? all.filter((d) => d.code === only) : all;
  const staff = employees.data?.items ?? [];
  const known = new Set(all.map((d) => d.code));
  const elsewhere = staff.filter((e) => !known.has(e.department));
  const mayEdit = user.role === "hotelAdmin";

  return (
    <section aria-labelledby="settings-title" class="adm-settings">
      <div class="page-head">
        <h1 id="settings-title">Departments &amp; SLAs</h1>
        {departments.asOf && <span class="muted">as of {departments.asOf.toLocaleTimeString()}</span>}
        <button type="button" onClick={() => { void departments.reload(); void employees.reload(); }}>Refresh</button>
      </div>
      <p class="muted adm-intro">
        A request goes to the department whose job types include it, to the on-duty staff member with the fewest open tasks. It must be done within the
        department's SLA for its priority; late tasks escalate.
      </p>
      <form class="filters" aria-label="Department filter" onSubmit={(e) => e.preventDefault()}>
        <label>
          Show
          <select value={only} onChange={(e) => setOnly(e.currentTarget.value)}>
            <option value="">All departments</option>
            {all.map((d) => <option key={d.code} value={d.code}>{d.name}</option>)}
          </select>
        </label>
      </form>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {departments.error && <p class="form-error" role="alert">Departments could not be loaded: {describeError(departments.error)}</p>}
      {employees.error && <p class="form-error" role="alert">Staff could not be loaded: {describeError(employees.error)}</p>}
      {departments.data && all.length === 0 && <p class="adm-empty">No departments yet: the tasks service's seed creates them (make up does).</p>}
      {shown.map((department) => (
        <section key={department.code} class="adm-department" aria-labelledby={`dept-${department.code}`}>
          <h2 id={`dept-${department.code}`}>
            {department.name} <span class="muted adm-code-name">({department.code})</span>
          </h2>
          <div class="adm-department-body">
            <DepartmentEditor
              department={department}
              mayEdit={mayEdit}
              onSaved={(text) => {
                setMessage(text);
                void departments.reload();
              }}
              onStale={() => void departments.reload()}
            />
            <Roster
              title={`${department.name} staff`}
              people={staff.filter((e) => e.department === department.code)}
              onChanged={(text) => {
                setMessage(text);
                return employees.reload();
              }}
              onStale={() => void employees.reload()}
            />
          </div>
        </section>
      ))}
      {!only && elsewhere.length > 0 && (
        <section class="adm-department" aria-labelledby="dept-other">
          <h2 id="dept-other">Staff outside these departments</h2>
          <Roster title="Other staff" people={elsewhere} onChanged={(text) => { setMessage(text); return employees.reload(); }} onStale={() => void employees.reload()} />
        </section>
      )}
    </section>
  );
}

interface Draft {
  name: string;
  jobTypes: string;
  low: string;
  normal: string;
  high: string;
  urgent: string;
  acknowledgeMinutes: string;
}

function draftOf(department: Department): Draft {
  return {
    name: department.name,
    jobTypes: department.jobTypes.join(", "),
    low: String(department.slaMinutes.low),
    normal: String(department.slaMinutes.normal),
    high: String(department.slaMinutes.high),
    urgent: String(department.slaMinutes.urgent),
    acknowledgeMinutes: String(department.acknowledgeMinutes),
  };
}

const DRAFT_LABELS: Record<keyof Draft, string> = {
  name: "Name",
  jobTypes: "Job types",
  low: "Low SLA (min)",
  normal: "Normal SLA (min)",
  high: "High SLA (min)",
  urgent: "Urgent SLA (min)",
  acknowledgeMinutes: "Acknowledge within (min)",
};

function jobTypesOf(text: string): string[] {
  return text.split(/[\s,]+/).map((j) => j.trim()).filter(Boolean);
}

function checkDraft(draft: Draft): FieldErrors {
  const errors: FieldErrors = {};
  if (!draft.name.trim()) errors.name = "Enter a name.";
  else if (draft.name.trim().length > 100) errors.name = "At most 100 characters.";
  const jobs = jobTypesOf(draft.jobTypes);
  if (jobs.length === 0) errors.jobTypes = "At least one job type.";
  else if (jobs.length > 50) errors.jobTypes = "At most 50 job types.";
  else if (jobs.some((j) => !JOB_TYPE.test(j))) errors.jobTypes = `Letters, digits, - and _ only: ${jobs.filter((j) => !JOB_TYPE.test(j)).join(", ")}`;
  for (const key of [...PRIORITIES, "acknowledgeMinutes"] as const) {
    const value = draft[key].trim();
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_MINUTES) {
      errors[key] = `A whole number of minutes, 1 to ${MAX_MINUTES}.`;
    }
  }
  if (!errors.low && !errors.urgent && Number(draft.urgent) > Number(draft.low)) {
    errors.urgent = "Urgent is longer than low: check the numbers.";
  }
  return errors;
}

/** Where the service's 422 names a field, as this form's field. */
function draftErrorsOf(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, text] of Object.entries(errors)) {
    const key = path.startsWith("slaMinutes.") ? path.slice("slaMinutes.".length) : path.startsWith("jobTypes") ? "jobTypes" : path;
    out[key] = out[key] ? `${out[key]}; ${text}` : text;
  }
  return out;
}

function DepartmentEditor({ department, mayEdit, onSaved, onStale }: { department: Department; mayEdit: boolean; onSaved: (text: string) => void; onStale: () => void }) {
  const saved = draftOf(department);
  const [draft, setDraft] = useState<Draft>(saved);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState("");
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const id = (key: string) => `${department.code}-${key}`;

  // A newer version from the server (saved here or elsewhere) replaces an untouched form.
  useEffect(() => {
    setDraft(draftOf(department));
    setReviewing(false);
  }, [department.version]);

  useEffect(() => {
    if (reviewing) confirmButton.current?.focus();
  }, [reviewing]);

  const changes = changesBetween(saved, draft, DRAFT_LABELS).filter((c) => c.label !== "Job types" || jobTypesOf(draft.jobTypes).join(",") !== department.jobTypes.join(","));
  const set = (key: keyof Draft) => (value: string) => {
    setDraft({ ...draft, [key]: value });
    setReviewing(false);
  };

  function review(event: Event) {
    event.preventDefault();
    const found = checkDraft(draft);
    setErrors(found);
    setProblem(Object.keys(found).length ? "Not saved: see the marked fields." : "");
    if (Object.keys(found).length === 0) setReviewing(true);
  }

  async function save() {
    setBusy(true);
    try {
      await api("PUT", `/api/departments/${encodeURIComponent(department.code)}`, {
        ifMatch: department.version,
        body: {
          name: draft.name.trim(),
          jobTypes: jobTypesOf(draft.jobTypes),
          slaMinutes: { low: Number(draft.low), normal: Number(draft.normal), high: Number(draft.high), urgent: Number(draft.urgent) },
          acknowledgeMinutes: Number(draft.acknowledgeMinutes),
          // PUT replaces the department: the escalation chain goes back as it is.
          escalation: department.escalation,
        },
      });
      setErrors({});
      setProblem("");
      onSaved(`Saved ${draft.name.trim()}: ${changes.map((c) => `${c.label} ${c.from} → ${c.to}`).join("; ")}. New tasks use it; open tasks keep their due time.`);
    } catch (caught) {
      const error = asApiError(caught);
      setReviewing(false);
      if (error.status === 412) {
        setProblem("Not saved: someone else changed this department meanwhile. It has been reloaded with their values; make your change again.");
        onStale();
      } else {
        const fields = draftErrorsOf(fieldErrorsOf(error, { job_type_already_routed: "jobTypes" }));
        setErrors(fields);
        setProblem(formMessage(error, fields));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="adm-department-form" onSubmit={review} noValidate aria-label={`${department.name} settings`}>
      <Field id={id("name")} label="Name" value={draft.name} onInput={set("name")} error={errors.name} maxLength={100} disabled={!mayEdit} />
      <Field id={id("jobTypes")} label="Job types" value={draft.jobTypes} onInput={set("jobTypes")} error={errors.jobTypes} disabled={!mayEdit} hint="Comma separated; each type belongs to one department." class="adm-wide" />
      <fieldset class="adm-sla-minutes">
        <legend>Done within (minutes) by priority</legend>
        {PRIORITIES.map((priority) => (
          <Field
            key={priority}
            id={id(priority)}
            label={`${PRIORITY_NAMES[priority]} priority`}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_MINUTES}
            value={draft[priority]}
            onInput={set(priority)}
            error={errors[priority]}
            hint={minutesText(Number(draft[priority]))}
            disabled={!mayEdit}
          />
        ))}
      </fieldset>
      <Field
        id={id("ack")}
        label="Acknowledge within (minutes)"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_MINUTES}
        value={draft.acknowledgeMinutes}
        onInput={set("acknowledgeMinutes")}
        error={errors.acknowledgeMinutes}
        disabled={!mayEdit}
      />
      <p class="muted adm-escalation-line">
        Escalation: {department.escalation.map((level) => `${level.notify === "hotelAdmin" ? "hotel admin" : level.notify} ${level.afterMinutes ? `after ${minutesText(level.afterMinutes)}` : "at once"}`).join(", then ") || "none"}
      </p>
      <p class="form-error" role="alert">{problem}</p>
      {mayEdit && !reviewing && (
        <div class="adm-row-actions">
          <button type="submit" disabled={changes.length === 0}>Review changes</button>
          {changes.length > 0 && <button type="button" onClick={() => { setDraft(saved); setErrors({}); setProblem(""); }}>Undo edits</button>}
        </div>
      )}
      {mayEdit && reviewing && (
        <div class="adm-confirm-changes" role="group" aria-label={`Confirm ${department.name} changes`}>
          <p>Save these changes to {department.name}?</p>
          <ul>
            {changes.map((c) => <li key={c.label}>{c.label}: {c.from} → <strong>{c.to}</strong></li>)}
          </ul>
          <p class="muted">New tasks use the new values; tasks already open keep their due time.</p>
          <div class="adm-row-actions">
            <button type="button" class="primary" ref={confirmButton} disabled={busy} onClick={() => void save()}>
              {busy ? "Saving…" : `Save ${department.name}`}
            </button>
            <button type="button" onClick={() => setReviewing(false)}>Keep editing</button>
          </div>
        </div>
      )}
    </form>
  );
}

function Roster({ title, people, onChanged, onStale }: { title: string; people: Employee[]; onChanged: (text: string) => Promise<void>; onStale: () => void }) {
  // The duty being saved shows at once; the reloaded list then confirms it.
  const [pending, setPending] = useState<{ code: string; onDuty: boolean } | null>(null);
  const [problem, setProblem] = useState("");
  const onDuty = people.filter((p) => p.onDuty).length;

  async function toggle(person: Employee, next: boolean) {
    setPending({ code: person.employeeCode, onDuty: next });
    setProblem("");
    try {
      await api("PATCH", `/api/employees/${encodeURIComponent(person.employeeCode)}`, { body: { onDuty: next }, ifMatch: person.version });
      await onChanged(
        next
          ? `${person.name} is on duty: new tasks can go to them, and tasks waiting for someone are assigned.`
          : `${person.name} is off duty: their assigned tasks not yet started go to colleagues on duty (or wait).`,
      );
    } catch (caught) {
      const error = asApiError(caught);
      setProblem(error.status === 412 ? `${person.name} was changed elsewhere meanwhile: reloaded, try again.` : `Not changed: ${describeError(error)}`);
      if (error.status === 412) onStale();
    } finally {
      setPending(null);
    }
  }

  return (
    <div class="adm-roster">
      <h3>{title}</h3>
      {people.length === 0 ? (
        <p class="adm-empty">Nobody on this department's roster: add staff from Users (with an employee code), then switch them on duty here.</p>
      ) : (
        <>
          <p class={onDuty === 0 ? "adm-warning" : "muted"}>
            {onDuty === 0 ? <><span aria-hidden="true">⚠ </span>Nobody on duty: new tasks wait and the supervisor is alerted.</> : `${onDuty} of ${people.length} on duty`}
          </p>
          <table class="audit adm-roster-table">
            <caption class="sr-only">{title}: who is on duty</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Code</th>
                <th scope="col">Role</th>
                <th scope="col">Open tasks</th>
                <th scope="col">Duty</th>
              </tr>
            </thead>
            <tbody>
              {people.map((person) => (
                <tr key={person.employeeCode} class={person.onDuty ? "" : "adm-off-duty"}>
                  <th scope="row">{person.name}{person.jobTitle && <span class="muted"> · {person.jobTitle}</span>}</th>
                  <td>{person.employeeCode}</td>
                  <td>{ROLE_NAMES[person.role] ?? person.role}</td>
                  <td>{person.openTasks}</td>
                  <td>
                    <label class="check adm-duty">
                      <input
                        type="checkbox"
                        checked={pending?.code === person.employeeCode ? pending.onDuty : person.onDuty}
                        disabled={pending !== null}
                        onChange={(e) => void toggle(person, e.currentTarget.checked)}
                      />
                      On duty<span class="sr-only"> for {person.name}</span>
                    </label>
                    {pending?.code === person.employeeCode && <span class="muted"> saving…</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p class="form-error" role="alert">{problem}</p>
    </div>
  );
}
