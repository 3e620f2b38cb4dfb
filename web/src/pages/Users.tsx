// Users: who may sign in, with which role and department. Create, edit, reset a password,
// deactivate (which signs the person out everywhere). Filters live in the hash
// (`#/users?role=staff&department=housekeeping&active=true&q=hannah`).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { linkTo, useRoute } from "../route";
import { Field, SelectField } from "../admin/Field";
import { asApiError, changesBetween, ROLE_NAMES, fieldErrorsOf, formMessage, type Change, type FieldErrors } from "../admin/forms";
import "./Users.css";

export interface Account {
  id: string;
  username: string;
  role: string;
  department: string | null;
  employeeCode: string | null;
  email: string | null;
  name: string | null;
  active: boolean;
}

interface Department {
  code: string;
  name: string;
}

const ROLES = Object.keys(ROLE_NAMES);
const NEEDS_DEPARTMENT = new Set(["staff", "supervisor"]);
const PASSWORD_MIN = 10;
// A 409's code names the field it is about.
const CONFLICT_FIELDS = { username_taken: "username", employee_code_taken: "employeeCode", email_taken: "email" };
const LIST_LIMIT = 500;

function roleName(role: string): string {
  return ROLE_NAMES[role] ?? role;
}

function matches(account: Account, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [account.username, account.name, account.employeeCode, account.email].some((v) => v?.toLowerCase().includes(needle));
}

export function Users({ user }: { user: User }) {
  const route = useRoute();
  const [role, setRole] = useState(route.params.get("role") ?? "");
  const [department, setDepartment] = useState(route.params.get("department") ?? "");
  const [active, setActive] = useState(route.params.get("active") ?? "");
  const [search, setSearch] = useState(route.params.get("q") ?? "");
  const filters = { role, department, active };
  const accounts = useResource(
    () => api<Page<Account>>("GET", "/api/users", { query: { ...filters, limit: LIST_LIMIT } }),
    [],
    JSON.stringify(filters),
  );
  const departments = useResource(() => api<Page<Department>>("GET", "/api/departments"), []);
  const [message, setMessage] = useState("");
  const [editing, setEditing] = useState<Account | null>(null);
  const [deactivating, setDeactivating] = useState<Account | null>(null);

  // The filters stay in the address (replaced, not pushed), so a reload or a link keeps them.
  useEffect(() => {
    const target = linkTo("users", { role, department, active, q: search.trim() });
    if (window.location.hash !== target) history.replaceState(null, "", target);
  }, [role, department, active, search]);

  const departmentCodes = Array.from(
    new Set([
      ...(departments.data?.items ?? []).map((d) => d.code),
      ...(accounts.data?.items ?? []).map((a) => a.department ?? "").filter(Boolean),
    ]),
  ).sort();
  const departmentName = (code: string | null) => (departments.data?.items ?? []).find((d) => d.code === code)?.name ?? code ?? "—";
  const shownAccounts = (accounts.data?.items ?? []).filter((a) => matches(a, search));

  async function done(text: string) {
    setMessage(text);
    await accounts.reload();
  }

  return (
    <section aria-labelledby="users-title" class="adm-users">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
        {accounts.asOf && <span class="muted">as of {accounts.asOf.toLocaleTimeString()}</span>}
        <button type="button" onClick={() => void accounts.reload()}>Refresh</button>
      </div>
      <datalist id="department-codes">
        {departmentCodes.map((code) => <option key={code} value={code}>{departmentName(code)}</option>)}
      </datalist>
      <NewUser onCreated={(text) => void done(text)} />
      <form class="filters" aria-label="User filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="Name, username, code" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="">All roles</option>
            {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
          </select>
        </label>
        <label>
          Department
          <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
            <option value="">All departments</option>
            {departmentCodes.map((code) => <option key={code} value={code}>{departmentName(code)}</option>)}
          </select>
        </label>
        <label>
          Status
          <select value={active} onChange={(e) => setActive(e.currentTarget.value)}>
            <option value="">Active and inactive</option>
            <option value="true">Active only</option>
            <option value="false">Inactive only</option>
          </select>
        </label>
      </form>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {accounts.error && <p class="form-error" role="alert">Users could not be loaded: {describeError(accounts.error)}</p>}
      {accounts.data && shownAccounts.length === 0 ? (
        <p class="adm-empty">No user matches these filters. Clear the search or choose “All roles” and “All departments”, or add someone with “New user”.</p>
      ) : (
        <table class="audit adm-users-table">
          <caption class="sr-only">Users by username</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Department</th>
              <th scope="col">Employee code</th>
              <th scope="col">Status</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {shownAccounts.map((account) => {
              const self = account.id === user.id;
              return (
                <tr key={account.id} class={account.active ? "" : "adm-inactive"}>
                  <th scope="row">{account.username}{self && <span class="muted"> (you)</span>}</th>
                  <td>{account.name ?? "—"}</td>
                  <td>{roleName(account.role)}</td>
                  <td>{account.department ? departmentName(account.department) : "—"}</td>
                  <td>{account.employeeCode ?? "—"}</td>
                  <td>
                    <span class={account.active ? "adm-state adm-active" : "adm-state adm-inactive"}>
                      <span aria-hidden="true">{account.active ? "✓ " : "✕ "}</span>
                      {account.active ? "Active" : "Inactive"}
                    </span>
                  </td>
                  <td>
                    <div class="adm-row-actions">
                      <button type="button" onClick={() => setEditing(account)}>
                        Edit<span class="sr-only"> {account.username}</span>
                      </button>
                      {account.active && !self && (
                        <button type="button" class="adm-danger" onClick={() => setDeactivating(account)}>
                          Deactivate<span class="sr-only"> {account.username}</span>
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {accounts.data && (
        <p class="muted">
          {shownAccounts.length} shown of {accounts.data.total} users{accounts.data.total > accounts.data.items.length ? ` (the first ${accounts.data.items.length} are searched: narrow by role or department)` : ""}
        </p>
      )}
      {editing && (
        <EditUser
          account={editing}
          self={editing.id === user.id}
          onClose={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            void done(text);
          }}
        />
      )}
      {deactivating && (
        <ConfirmDeactivate
          account={deactivating}
          onClose={() => setDeactivating(null)}
          onDone={(text) => {
            setDeactivating(null);
            void done(text);
          }}
        />
      )}
    </section>
  );
}

function NewUser({ onCreated }: { onCreated: (text: string) => void }) {
  const empty = { username: "", name: "", role: "staff", department: "", employeeCode: "", email: "", password: "" };
  const [form, setForm] = useState(empty);
  const [roster, setRoster] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof empty) => (value: string) => setForm({ ...form, [key]: value });
  const needsDepartment = NEEDS_DEPARTMENT.has(form.role);
  const mayJoinRoster = Boolean(form.employeeCode.trim() && form.department.trim() && form.name.trim());

  function check(): FieldErrors {
    const found: FieldErrors = {};
    if (!form.username.trim()) found.username = "Enter a username.";
    if (needsDepartment && !form.department.trim()) found.department = `Required for the ${roleName(form.role)} role.`;
    if (form.password.length < PASSWORD_MIN) found.password = `At least ${PASSWORD_MIN} characters.`;
    return found;
  }

  async function submit(event: Event) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    setProblem(Object.keys(found).length ? "Not created yet: see the marked fields." : "");
    if (Object.keys(found).length) return;
    setBusy(true);
    const optional = (value: string) => (value.trim() ? value.trim() : null);
    try {
      const created = await api<Account>("POST", "/api/users", {
        body: {
          username: form.username.trim(),
          password: form.password,
          role: form.role,
          department: optional(form.department),
          employeeCode: optional(form.employeeCode),
          email: optional(form.email),
          name: optional(form.name),
        },
      });
      let rosterText = "";
      if (roster && mayJoinRoster) {
        // Auto-assignment picks from the tasks service's employees: without this the person gets no tasks.
        try {
          await api("POST", "/api/employees", {
            body: { employeeCode: form.employeeCode.trim(), name: form.name.trim(), role: form.role, department: form.department.trim(), onDuty: false },
          });
          rosterText = ` Added to the ${form.department.trim()} roster, off duty until switched on in Departments & SLAs.`;
        } catch (caught) {
          rosterText = ` Not added to the duty roster: ${describeError(asApiError(caught))}`;
        }
      }
      setForm(empty);
      setErrors({});
      onCreated(`Created ${created.username} (${roleName(created.role)}). They can sign in now.${rosterText}`);
    } catch (caught) {
      const error = asApiError(caught);
      const fields = fieldErrorsOf(error, CONFLICT_FIELDS);
      setErrors(fields);
      setProblem(formMessage(error, fields));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details class="new-request">
      <summary>New user</summary>
      <form onSubmit={submit} aria-label="New user" noValidate class="adm-user-form">
        <Field id="new-username" label="Username" value={form.username} onInput={set("username")} error={errors.username} required autoComplete="off" maxLength={64} hint="3–64 letters, digits or . _ @ -" />
        <Field id="new-name" label="Full name" value={form.name} onInput={set("name")} error={errors.name} maxLength={128} autoComplete="off" />
        <SelectField id="new-role" label="Role" value={form.role} onChange={set("role")} error={errors.role}>
          {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
        </SelectField>
        <Field id="new-department" label="Department" value={form.department} onInput={set("department")} error={errors.department} list="department-codes" maxLength={64} required={needsDepartment} autoComplete="off" />
        <Field id="new-employee-code" label="Employee code" value={form.employeeCode} onInput={set("employeeCode")} error={errors.employeeCode} maxLength={32} autoComplete="off" />
        <Field id="new-email" label="Email" type="email" value={form.email} onInput={set("email")} error={errors.email} maxLength={254} autoComplete="off" />
        <Field id="new-password" label="Initial password" type="password" value={form.password} onInput={set("password")} error={errors.password} required autoComplete="new-password" maxLength={256} hint={`At least ${PASSWORD_MIN} characters; give it to them in person.`} />
        <label class="check adm-roster">
          <input type="checkbox" checked={roster && mayJoinRoster} disabled={!mayJoinRoster} onChange={(e) => setRoster(e.currentTarget.checked)} />
          Add to the department's duty roster (needs full name, department and employee code)
        </label>
        <p class="form-error" role="alert">{problem}</p>
        <button type="submit" class="primary" disabled={busy}>{busy ? "Creating…" : "Create user"}</button>
      </form>
    </details>
  );
}

type Editable = { role: string; department: string; employeeCode: string; name: string; email: string; active: boolean };

const EDIT_LABELS: Record<keyof Editable, string> = {
  role: "Role",
  department: "Department",
  employeeCode: "Employee code",
  name: "Full name",
  email: "Email",
  active: "Active",
};

function editableOf(account: Account): Editable {
  return {
    role: account.role,
    department: account.department ?? "",
    employeeCode: account.employeeCode ?? "",
    name: account.name ?? "",
    email: account.email ?? "",
    active: account.active,
  };
}

/** Why the user's open sessions end with these changes (auth revokes their tokens). */
function signOutReason(before: Editable, after: Editable, password: string): string | null {
  if (before.active && !after.active) return "Deactivating signs them out everywhere at once.";
  if (password) return "A new password signs them out everywhere; they sign in with the new one.";
  if (before.role !== after.role || before.department !== after.department || before.employeeCode !== after.employeeCode) {
    return "A new role, department or employee code signs them out; their next sign-in carries the change.";
  }
  return null;
}

function EditUser({ account, self, onClose, onSaved }: { account: Account; self: boolean; onClose: () => void; onSaved: (text: string) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const before = editableOf(account);
  const [form, setForm] = useState<Editable>(before);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const set = (key: keyof Editable) => (value: string) => setForm({ ...form, [key]: value });
  const changes: Change[] = changesBetween(before, form, EDIT_LABELS);
  if (password) changes.push({ label: "Password", from: "(hidden)", to: "a new one" });
  const reason = signOutReason(before, form, password);

  async function save(event: Event) {
    event.preventDefault();
    if (password && password.length < PASSWORD_MIN) {
      setErrors({ password: `At least ${PASSWORD_MIN} characters.` });
      setProblem("Not saved: see the marked fields.");
      return;
    }
    const body: Record<string, unknown> = {};
    const optional = (value: string) => (value.trim() ? value.trim() : null);
    for (const key of Object.keys(EDIT_LABELS) as (keyof Editable)[]) {
      if (form[key] === before[key]) continue;
      body[key] = typeof form[key] === "string" && key !== "role" ? optional(form[key] as string) : form[key];
    }
    if (password) body.password = password;
    setBusy(true);
    try {
      await api("PATCH", `/api/users/${encodeURIComponent(account.id)}`, { body });
      onSaved(`Saved ${account.username}: ${changes.map((c) => c.label.toLowerCase()).join(", ")}.${reason ? " Their sessions were ended." : ""}`);
    } catch (caught) {
      const error = asApiError(caught);
      const fields = fieldErrorsOf(error, CONFLICT_FIELDS);
      setErrors(fields);
      setProblem(formMessage(error, fields));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} class="drawer" aria-labelledby="edit-user-title" onClose={onClose}>
      <div class="drawer-head">
        <h2 id="edit-user-title">Edit {account.username}</h2>
        <button type="button" onClick={() => dialog.current?.close()}>Close</button>
      </div>
      <form onSubmit={save} noValidate class="adm-user-form adm-edit" aria-label={`Edit ${account.username}`}>
        <SelectField id="edit-role" label="Role" value={form.role} onChange={set("role")} error={errors.role} disabled={self} hint={self ? "You cannot change your own role." : undefined}>
          {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
        </SelectField>
        <Field id="edit-department" label="Department" value={form.department} onInput={set("department")} error={errors.department} list="department-codes" maxLength={64} required={NEEDS_DEPARTMENT.has(form.role)} autoComplete="off" />
        <Field id="edit-employee-code" label="Employee code" value={form.employeeCode} onInput={set("employeeCode")} error={errors.employeeCode} maxLength={32} autoComplete="off" />
        <Field id="edit-name" label="Full name" value={form.name} onInput={set("name")} error={errors.name} maxLength={128} autoComplete="off" />
        <Field id="edit-email" label="Email" type="email" value={form.email} onInput={set("email")} error={errors.email} maxLength={254} autoComplete="off" />
        <label class="check">
          <input type="checkbox" checked={form.active} disabled={self} onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })} />
          Active (may sign in)
        </label>
        <Field id="edit-password" label="New password" type="password" value={password} onInput={setPassword} error={errors.password} autoComplete="new-password" maxLength={256} hint="Leave empty to keep the current one." />
        <div class="adm-changes" aria-live="polite">
          {changes.length === 0 ? (
            <p class="muted">No changes yet.</p>
          ) : (
            <>
              <p>Saving changes:</p>
              <ul>
                {changes.map((c) => <li key={c.label}>{c.label}: {c.from} → <strong>{c.to}</strong></li>)}
              </ul>
              {reason && <p class="adm-warning"><span aria-hidden="true">⚠ </span>{reason}</p>}
            </>
          )}
        </div>
        <p class="form-error" role="alert">{problem}</p>
        <div class="adm-row-actions">
          <button type="submit" class="primary" disabled={busy || changes.length === 0}>{busy ? "Saving…" : "Save changes"}</button>
          <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}

function ConfirmDeactivate({ account, onClose, onDone }: { account: Account; onClose: () => void; onDone: (text: string) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function deactivate() {
    setBusy(true);
    try {
      await api("DELETE", `/api/users/${encodeURIComponent(account.id)}`);
      onDone(`Deactivated ${account.username}: signed out everywhere and can no longer sign in.`);
    } catch (caught) {
      setProblem(`Not deactivated: ${describeError(asApiError(caught))}`);
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} class="adm-confirm" role="alertdialog" aria-labelledby="deactivate-title" aria-describedby="deactivate-text" onClose={onClose}>
      <h2 id="deactivate-title">Deactivate {account.username}?</h2>
      <div id="deactivate-text">
        <p>{account.name ?? account.username} is signed out on every device at once and can no longer sign in.</p>
        <p>Nothing is erased: their history stays, and an admin can make them active again.</p>
      </div>
      <p class="form-error" role="alert">{problem}</p>
      <div class="adm-row-actions">
        <button type="button" class="adm-danger-solid" disabled={busy} onClick={() => void deactivate()}>
          {busy ? "Deactivating…" : `Deactivate ${account.username}`}
        </button>
        <button type="button" onClick={() => dialog.current?.close()} autoFocus>Keep active</button>
      </div>
    </dialog>
  );
}
