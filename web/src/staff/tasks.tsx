// My tasks (and a supervisor's team): the next step one tap away, the SLA clock in words, a note.
import { useEffect, useState } from "preact/hooks";
import { api, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import { onEvent } from "../socket";
import { enqueue, onSent, pendingFor, type Change } from "./queue";
import { t, tr } from "./strings";
import { AsOf } from "./asof";
import { useNow } from "../time";

export interface Task {
  taskId: string;
  room: string;
  type: string;
  status: string;
  priority: string;
  description: string | null;
  assignedTo: string | null;
  employeeId: string | null;
  dueDate: string;
  notes: { text: string; author: string; at: string }[];
  version: number;
}

type TaskList = Page<Task> & { offlineAsOf?: string };

const OPEN = new Set(["pending", "assigned", "acknowledged", "in_progress", "paused"]);
const GLYPH: Record<string, string> = { pending: "…", assigned: "●", acknowledged: "✓", in_progress: "▶", paused: "⏸" };
const NEXT: Record<string, [string, "acknowledge" | "start" | "pause" | "resume" | "complete"][]> = {
  assigned: [["acknowledged", "acknowledge"]],
  acknowledged: [["in_progress", "start"]],
  in_progress: [
    ["completed", "complete"],
    ["paused", "pause"],
  ],
  paused: [["in_progress", "resume"]],
};

export function slaText(due: string, now: number): { text: string; late: boolean } {
  const minutes = Math.round((Date.parse(due) - now) / 60000);
  if (minutes > 0) return { text: t("dueIn", { minutes }), late: false };
  if (minutes === 0) return { text: t("dueNow"), late: false };
  return { text: t("overdue", { minutes: -minutes }), late: true };
}

function TaskCard({ task, user, changes, now, showAssignee }: { task: Task; user: User; changes: Change[]; now: number; showAssignee: boolean }) {
  const [noting, setNoting] = useState(false);
  const [note, setNote] = useState("");
  const pending = pendingFor("task", task.taskId, changes);
  const status = pending?.to ?? task.status;
  const version = pending?.version ?? task.version;
  const sla = slaText(task.dueDate, now);
  const type = tr("job_", task.type);
  const label = t("taskLabel", { type, room: task.room });
  const context = { type: task.type, room: task.room };
  const mayWork = task.employeeId === user.employeeCode || user.role === "supervisor";

  function step(to: string) {
    void enqueue({ kind: "task", target: task.taskId, method: "PATCH", path: `/api/tasks/${encodeURIComponent(task.taskId)}/status`, body: { status: to }, version, userId: user.id, to, context });
  }

  function saveNote(event: Event) {
    event.preventDefault();
    const text = note.trim();
    if (!text) return;
    void enqueue({ kind: "note", target: task.taskId, method: "POST", path: `/api/tasks/${encodeURIComponent(task.taskId)}/notes`, body: { text }, version, userId: user.id, to: text, context });
    setNote("");
    setNoting(false);
  }

  return (
    <li>
      <article class={`st-card st-task st-priority-${task.priority}`} aria-label={label}>
        <div class="st-card-head">
          <h3>{t("taskTitle", { type, room: task.room })}</h3>
          <span class={`st-badge st-task-${status}`}>
            <span aria-hidden="true">{GLYPH[status] ?? "•"} </span>
            {tr("status_", status)}
          </span>
        </div>
        <p class="st-meta">
          <span class={sla.late ? "st-late" : ""} role="timer">
            {sla.late && <span aria-hidden="true">⚠ </span>}
            {sla.text}
          </span>
          <span> · {tr("priority_", task.priority)}</span>
          {pending && <span class="st-pending"> · ◷ {t("waiting")}</span>}
        </p>
        {task.description && <p>{task.description}</p>}
        {showAssignee && <p class="st-muted">{task.assignedTo ? t("assignedTo", { name: task.assignedTo }) : t("unassigned")}</p>}
        {task.notes.length > 0 && (
          <details>
            <summary>
              {t("notes")} ({task.notes.length})
            </summary>
            <ul class="st-notes">
              {task.notes.map((item) => (
                <li key={item.at}>
                  <span class="st-muted">{item.author}: </span>
                  {item.text}
                </li>
              ))}
            </ul>
          </details>
        )}
        {noting ? (
          <form class="st-note-form" onSubmit={saveNote}>
            <label for={`note-${task.taskId}`}>{t("noteLabel", { room: task.room })}</label>
            <textarea id={`note-${task.taskId}`} value={note} maxLength={1000} onInput={(event) => setNote(event.currentTarget.value)} />
            <div class="st-actions">
              <button type="submit" class="st-primary" disabled={!note.trim()}>
                {t("saveNote")}
              </button>
              <button type="button" onClick={() => setNoting(false)}>
                {t("cancel")}
              </button>
            </div>
          </form>
        ) : (
          <div class="st-actions">
            {mayWork &&
              (NEXT[status] ?? []).map(([to, action]) => (
                <button key={to} type="button" class={action === "pause" ? "" : "st-primary"} onClick={() => step(to)}>
                  {t(action)}
                </button>
              ))}
            <button type="button" onClick={() => setNoting(true)}>
              {t("addNote")}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

function canVibrate(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation;
  return "vibrate" in navigator && activation?.hasBeenActive === true;
}

export function TasksTab({ user, changes, online }: { user: User; changes: Change[]; online: boolean }) {
  const supervisor = user.role === "supervisor";
  const [team, setTeam] = useState(supervisor);
  const [announcement, setAnnouncement] = useState("");
  const now = useNow();
  const query = team && user.department ? { department: user.department, limit: 200 } : { assignedTo: "me", limit: 200 };
  const tasks = useResource(() => api<TaskList>("GET", "/api/tasks", { query }), ["task.", "request."], team ? "team" : "mine");

  useEffect(() => onSent(() => tasks.reload()), []);
  useEffect(
    () =>
      onEvent(["task.assigned"], (event, payload) => {
        if (event !== "task.assigned" || payload.employeeId !== user.employeeCode) return;
        const text = t("newTask", { type: tr("job_", String(payload.jobType ?? "")), room: String(payload.roomNumber ?? "") });
        setAnnouncement(text);
        if (canVibrate()) navigator.vibrate([200, 100, 200]);
        // The app is open but out of sight: a notification, when the person allowed them.
        if (document.hidden && "Notification" in window && Notification.permission === "granted") {
          void navigator.serviceWorker?.ready.then((registration) => registration.showNotification(t("appName"), { body: text, icon: "/staff/icon-192.png", data: { url: "/staff/#tasks" } }));
        }
      }),
    [user.employeeCode],
  );

  const open = (tasks.data?.items ?? []).filter((task) => OPEN.has(task.status)).sort((a, b) => a.dueDate.localeCompare(b.dueDate));

  return (
    <section aria-labelledby="st-tasks-title">
      <div class="st-section-head">
        <h1 id="st-tasks-title">{team ? t("teamTasks") : t("myTasks")}</h1>
        <AsOf asOf={tasks.asOf} offlineAsOf={tasks.data?.offlineAsOf} online={online} />
      </div>
      {supervisor && (
        <div class="st-segmented" role="group" aria-label={t("teamTasks")}>
          <button type="button" aria-pressed={!team} onClick={() => setTeam(false)}>
            {t("showMine")}
          </button>
          <button type="button" aria-pressed={team} onClick={() => setTeam(true)}>
            {t("showTeam")}
          </button>
        </div>
      )}
      <p class="st-announce" role="status" aria-live="polite">
        {announcement}
      </p>
      {tasks.error && !tasks.data && <p class="st-error">{t("errorLoading", { detail: describeError(tasks.error) })}</p>}
      {tasks.data && open.length === 0 && <p class="st-empty-state">{team ? t("noTeamTasks") : t("noTasks")}</p>}
      <ul class="st-list">
        {open.map((task) => (
          <TaskCard key={task.taskId} task={task} user={user} changes={changes} now={now} showAssignee={team} />
        ))}
      </ul>
    </section>
  );
}
