// A task's drawer: what it is and when it is due, and what a manager does with it — change its
// priority (the due time follows the department's SLA), hand it to someone else on duty, write a
// note for the next person, or cancel it. Live: it refetches on every task hint.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { mayCancelTasks } from "../roles";
import {
  ago,
  clockTime,
  type Employee,
  isOpen,
  mayChangePriority,
  mayReassign,
  PRIORITIES,
  slaText,
  STATUS_WORDS,
  type Task,
} from "./model";
import { useNow } from "../time";

export interface DepartmentSla {
  code: string;
  name: string;
  slaMinutes?: Record<string, number>;
}

function taskPath(task: Task | string): string {
  return `/api/tasks/${encodeURIComponent(typeof task === "string" ? task : task.taskId)}`;
}

function failure(prefix: string, caught: unknown): string {
  const error = caught as ApiError;
  // A stale version: someone else changed the task first; the drawer has refetched it.
  if (error.status === 412) return `${prefix}: the task changed meanwhile. Check it and try again.`;
  return `${prefix}: ${describeError(error)}`;
}

export function TaskDrawer({
  taskId,
  user,
  departments,
  onChanged,
  onClose,
}: {
  taskId: string;
  user: User;
  departments: DepartmentSla[];
  /** After each write: the board refetches too (the socket's hint may come later, or never). */
  onChanged: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const task = useResource(() => api<Task>("GET", taskPath(taskId)), ["task."], taskId);
  const now = useNow();
  const [message, setMessage] = useState("");

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus?.();
  }, []);

  async function done(text: string) {
    setMessage(text);
    onChanged();
    await task.reload();
  }

  const current = task.data;
  const department = departments.find((d) => d.code === current?.department);
  const title = current ? `Room ${current.room} · ${current.type}` : "Task";
  return (
    <dialog ref={dialog} class="drawer task-drawer" aria-labelledby="task-drawer-title" onClose={onClose}>
      <div class="drawer-head">
        <h2 id="task-drawer-title">{title}</h2>
        <button type="button" onClick={() => dialog.current?.close()}>Close</button>
      </div>
      <p class="status-line" role="status" aria-live="polite">{message}</p>
      {task.error && <p class="form-error" role="alert">This task could not be loaded: {describeError(task.error)}</p>}
      {!current && !task.error && <p class="muted">Loading…</p>}
      {current && (
        <>
          <Summary task={current} now={now} />
          {mayChangePriority(user, current) && <PriorityForm task={current} department={department} now={now} onDone={done} />}
          {mayReassign(user, current) && <Reassign task={current} onDone={done} />}
          <Notes task={current} now={now} onDone={done} />
          {mayCancelTasks(user) && isOpen(current) && (
            <p class="task-cancel">
              <CancelTask task={current} onDone={done} label="Cancel this task…" />
            </p>
          )}
        </>
      )}
    </dialog>
  );
}

function inWords(iso: string, now: number): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60000);
  return minutes >= 0 ? `in ${minutes} min` : `${-minutes} min ago`;
}

function dueText(task: Task, now: number): string {
  if (!isOpen(task)) return slaText(task, now).text;
  const minutes = Math.round((Date.parse(task.dueDate) - now) / 60000);
  return minutes >= 0 ? `due in ${minutes} min` : `overdue ${-minutes} min`;
}

function Summary({ task, now }: { task: Task; now: number }) {
  const late = isOpen(task) && Date.parse(task.dueDate) < now;
  const awaitingAck = task.status === "pending" || task.status === "assigned";
  return (
    <dl class="task-facts">
      <dt>Status</dt>
      <dd>{STATUS_WORDS[task.status] ?? task.status}</dd>
      <dt>Priority</dt>
      <dd>
        <span class={`task-priority-word priority-${task.priority}`}>{task.priority}</span>
      </dd>
      <dt>Due</dt>
      <dd class={late ? "task-clock late" : "task-clock"}>
        <span aria-hidden="true">{late ? "⚠ " : "◷ "}</span>
        <time dateTime={task.dueDate} title={new Date(task.dueDate).toLocaleString()}>{clockTime(task.dueDate, now)}</time> · {dueText(task, now)}
        {task.escalationLevel > 0 && <span class="escalation"> · escalated L{task.escalationLevel}</span>}
      </dd>
      {awaitingAck && (
        <>
          <dt>Acknowledge by</dt>
          <dd>
            <time dateTime={task.acknowledgeBy} title={new Date(task.acknowledgeBy).toLocaleString()}>{clockTime(task.acknowledgeBy, now)}</time> · {inWords(task.acknowledgeBy, now)}
          </dd>
        </>
      )}
      <dt>Assigned to</dt>
      <dd>{task.assignedTo ? `${task.assignedTo} (${task.employeeId})` : "Nobody yet"}</dd>
      <dt>Department</dt>
      <dd>{task.department}</dd>
      {task.description && (
        <>
          <dt>Request</dt>
          <dd>{task.description}</dd>
        </>
      )}
      <dt>Asked</dt>
      <dd>
        <time dateTime={task.createdAt} title={new Date(task.createdAt).toLocaleString()}>{ago(task.createdAt, now)}</time>
      </dd>
    </dl>
  );
}

function PriorityForm({ task, department, now, onDone }: { task: Task; department?: DepartmentSla; now: number; onDone: (text: string) => Promise<void> }) {
  const [priority, setPriority] = useState(task.priority);
  const [busy, setBusy] = useState(false);
  useEffect(() => setPriority(task.priority), [task.priority]);

  // The service counts the new due time from the creation: the same sum, shown before saving.
  const minutes = department?.slaMinutes?.[priority];
  const preview = priority !== task.priority && minutes !== undefined ? new Date(Date.parse(task.createdAt) + minutes * 60000).toISOString() : null;

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await api<Task>("PATCH", taskPath(task), { body: { priority }, ifMatch: task.version });
      const at = Date.now();
      await onDone(`Priority is now ${saved.priority}: due ${clockTime(saved.dueDate, at)} (${slaText(saved, at).text.toLowerCase()}).`);
    } catch (caught) {
      await onDone(failure("Priority not changed", caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3>Priority</h3>
      <form class="task-form" aria-label="Change priority" onSubmit={submit}>
        <label>
          Priority
          <select value={priority} onChange={(e) => setPriority(e.currentTarget.value)} aria-describedby="priority-preview">
            {PRIORITIES.map(([value, word]) => (
              <option key={value} value={value}>{word}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy || priority === task.priority}>{busy ? "Saving…" : "Change priority"}</button>
        <p id="priority-preview" class="muted task-hint">
          {preview ? `Would be due ${clockTime(preview, now)}${Date.parse(preview) < now ? ", already overdue" : ""}.` : "The due time follows the department's SLA for the priority."}
        </p>
      </form>
    </>
  );
}

function describeEmployee(employee: Employee, task: Task): string {
  const duty = employee.onDuty ? "on duty" : "off duty";
  const load = `${employee.openTasks} open ${employee.openTasks === 1 ? "task" : "tasks"}`;
  const now = employee.employeeCode === task.employeeId ? " · has it now" : "";
  return `${employee.name} (${employee.employeeCode}) · ${duty} · ${load}${now}`;
}

function Reassign({ task, onDone }: { task: Task; onDone: (text: string) => Promise<void> }) {
  const staff = useResource(
    () => api<Page<Employee>>("GET", "/api/employees", { query: { department: task.department, limit: 500 } }),
    ["task.", "employee."],
    task.department,
  );
  const [choice, setChoice] = useState("");
  const [busy, setBusy] = useState(false);
  // On duty first, the lightest load first: the sensible pick is at the top.
  const people = [...(staff.data?.items ?? [])].sort(
    (a, b) => Number(b.onDuty) - Number(a.onDuty) || a.openTasks - b.openTasks || a.name.localeCompare(b.name),
  );
  const mayTake = (e: Employee) => e.onDuty && (e.employeeCode !== task.employeeId || task.status === "paused");

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await api<Task>("POST", `${taskPath(task)}/assign`, { body: { employeeId: choice }, ifMatch: task.version });
      setChoice("");
      await onDone(`Assigned to ${saved.assignedTo} (${saved.employeeId}).`);
    } catch (caught) {
      await onDone(failure("Not reassigned", caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3>{task.employeeId ? "Reassign" : "Assign"}</h3>
      {staff.error && <p class="form-error" role="alert">Staff could not be loaded: {describeError(staff.error)}</p>}
      {staff.data && !people.some(mayTake) ? (
        <p class="muted">Nobody else in {task.department} is on duty. Put someone on duty to hand this over.</p>
      ) : (
        <form class="task-form" aria-label="Reassign" onSubmit={submit}>
          <label>
            Assign to
            <select value={choice} onChange={(e) => setChoice(e.currentTarget.value)} required>
              <option value="">Choose someone…</option>
              {people.map((e) => (
                <option key={e.employeeCode} value={e.employeeCode} disabled={!mayTake(e)}>{describeEmployee(e, task)}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || !choice}>{busy ? "Assigning…" : "Assign"}</button>
        </form>
      )}
    </>
  );
}

function Notes({ task, now, onDone }: { task: Task; now: number; onDone: (text: string) => Promise<void> }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      await api("POST", `${taskPath(task)}/notes`, { body: { text: text.trim() } });
      setText("");
      await onDone("Note added.");
    } catch (caught) {
      await onDone(failure("Note not added", caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h3>Notes ({task.notes.length})</h3>
      {task.notes.length === 0 ? (
        <p class="muted">No notes yet. Write what the next person should know.</p>
      ) : (
        <ol class="task-notes" aria-label="Notes">
          {task.notes.map((note, index) => (
            <li key={`${note.at}-${index}`}>
              <p>{note.text}</p>
              <p class="muted">
                {note.author ?? "someone"}
                {note.employeeId ? ` (${note.employeeId})` : ""} ·{" "}
                <time dateTime={note.at} title={new Date(note.at).toLocaleString()}>{ago(note.at, now)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      <form class="task-form" aria-label="Add a note" onSubmit={submit}>
        <label class="task-wide">
          Note
          <textarea value={text} onInput={(e) => setText(e.currentTarget.value)} rows={2} maxLength={1000} required />
        </label>
        <button type="submit" disabled={busy || !text.trim()}>{busy ? "Adding…" : "Add note"}</button>
      </form>
    </>
  );
}

/** Cancel with a second, explicit click: a cancelled task leaves the board for good. */
export function CancelTask({ task, onDone, label }: { task: Task; onDone: (text: string) => Promise<void> | void; label?: string }) {
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const what = `the ${task.type} task for room ${task.room}`;
  // The button that was clicked is gone: focus goes to the question's answer, not to the page.
  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);

  async function cancel() {
    setConfirming(false);
    try {
      await api("PATCH", `${taskPath(task)}/status`, { body: { status: "cancelled" }, ifMatch: task.version });
      await onDone(`Cancelled ${what}.`);
    } catch (caught) {
      await onDone(failure("Not cancelled", caught));
    }
  }

  if (!confirming) {
    return (
      <button type="button" class="link" onClick={() => setConfirming(true)}>
        {label ?? "Cancel"}
        {!label && <span class="sr-only"> {what}</span>}
      </button>
    );
  }
  return (
    <div class="task-confirm" role="group" aria-label={`Cancel ${what}?`}>
      <span>Cancel {what}? It leaves the board.</span>
      <button type="button" class="task-danger" ref={confirm} onClick={cancel}>
        Yes, cancel<span class="sr-only"> {what}</span>
      </button>
      <button type="button" onClick={() => setConfirming(false)}>Keep it</button>
    </div>
  );
}
