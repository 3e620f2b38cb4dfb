// Requests and tasks: create a request and see where it went; a live board by status with the
// assignee, the SLA clock written out, and the escalation level. Each card opens the task's drawer
// (priority, reassign, notes, cancel). The needs-attention filters and the open task live in the
// hash, so other screens link here: `#/tasks?filter=overdue|escalated|waiting|urgent&task=<id>`.
import { useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { mayCancelTasks } from "../roles";
import { linkTo, replaceRoute, useRoute } from "../route";
import { CancelTask, type DepartmentSla, TaskDrawer } from "../tasks/TaskDrawer";
import { isOpen, slaText, type Task } from "../tasks/model";
import { useNow } from "../time";
import "./Tasks.css";

export { slaText } from "../tasks/model";

interface Department extends DepartmentSla {
  jobTypes: string[];
}

interface Created {
  taskId: string;
  department: string;
  task: { status: string; assignedTo: string | null; employeeId: string | null };
}

const COLUMNS: [string, string][] = [
  ["pending", "Waiting for someone"],
  ["assigned", "Assigned"],
  ["acknowledged", "Acknowledged"],
  ["in_progress", "In progress"],
  ["paused", "Paused"],
  ["completed", "Completed"],
];

type Filter = "overdue" | "escalated" | "waiting" | "urgent";
const FILTERS: readonly Filter[] = ["overdue", "escalated", "waiting", "urgent"];

function asFilter(value: string | null): Filter | "" {
  return FILTERS.includes(value as Filter) ? (value as Filter) : "";
}

export function Tasks({ user }: { user: User }) {
  const route = useRoute();
  const only = asFilter(route.params.get("filter"));
  const openTaskId = route.params.get("task") ?? "";
  const go = (filter: Filter | "", task: string) => replaceRoute(linkTo("tasks", { filter, task }));

  const ownDepartment = user.role === "supervisor" ? user.department ?? "" : "";
  const [department, setDepartment] = useState(ownDepartment);
  const tasks = useResource(
    () => api<Page<Task>>("GET", "/api/tasks", { query: { department, limit: 500 } }),
    ["task.", "request."],
    department,
  );
  const departments = useResource(() => api<Page<Department> | Department[]>("GET", "/api/departments"), []);
  const departmentList: Department[] = Array.isArray(departments.data) ? departments.data : departments.data?.items ?? [];
  const now = useNow();
  const [message, setMessage] = useState("");

  const all = tasks.data?.items ?? [];
  const overdue = all.filter((t) => isOpen(t) && slaText(t, now).late);
  const escalated = all.filter((t) => isOpen(t) && t.escalationLevel > 0);
  const waiting = all.filter((t) => t.status === "pending");
  const urgent = all.filter((t) => isOpen(t) && t.priority === "urgent");
  const chosen: Record<Filter, Task[]> = { overdue, escalated, waiting, urgent };
  const items = only ? chosen[only] : all;
  const toggle = (what: Filter) => go(only === what ? "" : what, openTaskId);

  function cancelled(text: string) {
    setMessage(text);
    void tasks.reload();
  }

  return (
    <section aria-labelledby="tasks-title">
      <div class="page-head">
        <h1 id="tasks-title">Requests &amp; tasks</h1>
        {tasks.asOf && <span class="muted">as of {tasks.asOf.toLocaleTimeString()}</span>}
      </div>
      <ul class="summary" aria-label="Needs attention">
        <li>
          <button type="button" class="count alert" aria-pressed={only === "overdue"} onClick={() => toggle("overdue")}>
            <span aria-hidden="true">⚠</span> {overdue.length} overdue
          </button>
        </li>
        <li>
          <button type="button" class="count alert" aria-pressed={only === "escalated"} onClick={() => toggle("escalated")}>
            <span aria-hidden="true">↑</span> {escalated.length} escalated
          </button>
        </li>
        <li>
          <button type="button" class="count alert" aria-pressed={only === "urgent"} onClick={() => toggle("urgent")}>
            <span aria-hidden="true">‼</span> {urgent.length} urgent
          </button>
        </li>
        <li>
          <button type="button" class="count" aria-pressed={only === "waiting"} onClick={() => toggle("waiting")}>
            <span aria-hidden="true">…</span> {waiting.length} waiting for someone
          </button>
        </li>
      </ul>
      <NewRequest departments={departmentList} onCreated={(text) => { setMessage(text); void tasks.reload(); }} />
      <form class="filters" aria-label="Task filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Department
          <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
            <option value="">All departments</option>
            {departmentList.map((d) => (
              <option key={d.code} value={d.code}>{d.name || d.code}</option>
            ))}
          </select>
        </label>
        {only && (
          <p class="task-filter-note">
            Showing {items.length} {only === "waiting" ? "waiting for someone" : only}.{" "}
            <a href={linkTo("tasks")} onClick={(e) => { e.preventDefault(); go("", openTaskId); }}>Show all tasks</a>
          </p>
        )}
      </form>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {tasks.error && <p class="form-error" role="alert">Tasks could not be loaded: {describeError(tasks.error)}</p>}
      {tasks.data && all.length === 0 && <p class="muted">Nothing on the board. When a guest or colleague asks for something, add it with the form above.</p>}
      <div class="board">
        {COLUMNS.map(([status, title]) => {
          const column = items.filter((t) => t.status === status);
          return (
            <section key={status} class="column" aria-labelledby={`col-${status}`}>
              <h2 id={`col-${status}`}>
                {title} <span class="muted">({column.length})</span>
              </h2>
              <ul>
                {column.map((task) => {
                  const sla = slaText(task, now);
                  const what = `the ${task.type} task for room ${task.room}`;
                  return (
                    <li key={task.taskId}>
                      <article class={`card priority-${task.priority}${sla.late ? " late" : ""}`} aria-label={`Room ${task.room} ${task.type}`}>
                        <p class="card-head">
                          <strong>Room {task.room}</strong> · {task.type}
                          <span class={`priority priority-${task.priority}`}>{task.priority}</span>
                        </p>
                        {task.description && <p>{task.description}</p>}
                        <p class="muted">
                          {task.department} · {task.assignedTo ? `${task.assignedTo} (${task.employeeId})` : "unassigned"}
                        </p>
                        <p class={sla.late ? "task-clock late" : "task-clock"} role="timer" title={`Due ${new Date(task.dueDate).toLocaleString()}`}>
                          <span aria-hidden="true">{sla.late ? "⚠ " : "◷ "}</span>
                          {sla.text}
                          {task.escalationLevel > 0 && <span class="escalation"> · L{task.escalationLevel} → supervisor</span>}
                        </p>
                        <p class="task-card-actions">
                          <button type="button" class="link" onClick={() => go(only, task.taskId)}>
                            Details<span class="sr-only"> of {what}</span>
                          </button>
                          {task.notes.length > 0 && <span class="muted">{task.notes.length} {task.notes.length === 1 ? "note" : "notes"}</span>}
                          {mayCancelTasks(user) && isOpen(task) && <CancelTask task={task} onDone={cancelled} />}
                        </p>
                      </article>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
      {openTaskId && (
        <TaskDrawer key={openTaskId} taskId={openTaskId} user={user} departments={departmentList} onChanged={() => void tasks.reload()} onClose={() => go(only, "")} />
      )}
    </section>
  );
}

function NewRequest({ departments, onCreated }: { departments: Department[]; onCreated: (text: string) => void }) {
  const [room, setRoom] = useState("");
  const [jobType, setJobType] = useState("");
  const [priority, setPriority] = useState("normal");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const jobTypes = departments.flatMap((d) => d.jobTypes.map((j) => ({ jobType: j, department: d.name || d.code })));

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<Created>("POST", "/api/requests", {
        body: { roomNumber: room.trim(), jobType, priority, ...(description.trim() ? { description: description.trim() } : {}) },
      });
      const who = created.task.assignedTo ? `assigned to ${created.task.assignedTo} (${created.task.employeeId})` : "waiting for someone on duty";
      onCreated(`Request for room ${room.trim()} routed to ${created.department}, ${who}.`);
      setDescription("");
    } catch (caught) {
      setError(describeError(caught as ApiError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details class="new-request">
      <summary>New request</summary>
      <form onSubmit={submit} aria-label="New request">
        <label>
          Room
          <input value={room} onInput={(e) => setRoom(e.currentTarget.value)} required inputMode="numeric" />
        </label>
        <label>
          Job type
          <select value={jobType} onChange={(e) => setJobType(e.currentTarget.value)} required>
            <option value="">Choose…</option>
            {jobTypes.map((j) => (
              <option key={j.jobType} value={j.jobType}>{j.jobType} ({j.department})</option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
            <option value="low">Low</option>
            <option value="normal">Normal</option>
            <option value="high">High</option>
            <option value="urgent">Urgent</option>
          </select>
        </label>
        <label class="wide">
          Description
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={500} />
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy || !room.trim() || !jobType}>
          {busy ? "Sending…" : "Create request"}
        </button>
      </form>
    </details>
  );
}
