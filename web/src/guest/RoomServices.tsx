// The guest's room: the door sign (Do not disturb / Make up room) and requests to housekeeping
// and maintenance, with their progress.
import { useEffect, useState } from "preact/hooks";
import { useResource } from "../live";
import { formatTime, loadGuestService, loadRequests, sendRequest, setGuestService, type GuestServiceStatus, type ServiceRequest } from "./data";
import type { Shared } from "./GuestApp";
import { explain } from "./parts";
import { english, t, type GuestKey } from "./strings";

// Task hints never reach a guest's socket (only their room's orders do), so the list is
// refetched on this timer while the screen is open, and when the guest comes back to it.
const REFRESH_MS = 15000;

const SIGNS: GuestServiceStatus[] = ["None", "DoNotDisturb", "MakeUpRoom"];

/** What a guest can ask for, and the job type the tasks service routes it by. */
const KINDS = [
  { id: "towels", jobType: "linen", glyph: "≋" },
  { id: "amenities", jobType: "amenities", glyph: "✿" },
  { id: "cleaning", jobType: "cleaning", glyph: "✧" },
  { id: "maintenance", jobType: "maintenance", glyph: "⚒" },
] as const;
type Kind = (typeof KINDS)[number]["id"];

const requestKey = (id: Kind) => `request_${id}` as GuestKey;

function kindOf(request: ServiceRequest): GuestKey {
  const known = KINDS.find((kind) => kind.jobType === request.jobType);
  if (known) return requestKey(known.id);
  if (["repair", "hvac", "plumbing", "electrical"].includes(request.jobType)) return "request_maintenance";
  return "request_other";
}

function statusOf(request: ServiceRequest): string {
  const status = request.status ?? request.task?.status ?? "unknown";
  return t(`task_${status}` as GuestKey);
}

function DoorSign({ shared }: { shared: Shared }) {
  // The door sign as the room has it now (housekeeping may clear Make Up Room after cleaning).
  const current = useResource(() => loadGuestService(shared.room), ["room."], shared.room);
  const [chosen, setSign] = useState<GuestServiceStatus | null>(null);
  const sign: GuestServiceStatus = chosen ?? current.data?.guestServiceStatus ?? "None";
  const [saving, setSaving] = useState<GuestServiceStatus | null>(null);
  const [error, setError] = useState("");

  async function choose(next: GuestServiceStatus) {
    if (saving) return;
    setSaving(next);
    setError("");
    try {
      const room = await setGuestService(shared.room, next);
      setSign(room.guestServiceStatus ?? next);
      void current.reload().then(() => setSign(null));
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setSaving(null);
    }
  }

  const signName = (value: GuestServiceStatus) => t(`sign_${value}` as GuestKey);
  return (
    <section class="g-card" aria-labelledby="sign-title">
      <h2 id="sign-title">{t("signTitle")}</h2>
      <p class="g-muted">{t("signIntro")}</p>
      <p class={`g-sign-now g-sign-${sign}`} role="status">
        <span aria-hidden="true">{sign === "DoNotDisturb" ? "☾ " : sign === "MakeUpRoom" ? "✦ " : "○ "}</span>
        {t("signNow", { state: signName(sign) })}
      </p>
      <div class="g-sign-choices" role="group" aria-labelledby="sign-title">
        {SIGNS.map((value) => (
          <button key={value} type="button" class={`g-choice g-choice-${value}`} aria-pressed={sign === value} disabled={saving !== null} onClick={() => void choose(value)}>
            {saving === value ? t("signSaving") : signName(value)}
          </button>
        ))}
      </div>
      <p class="g-muted g-small">{t("signWelfare")}</p>
      <p class="g-error" role="alert">
        {error}
      </p>
    </section>
  );
}

function NewRequest({ shared, onSent }: { shared: Shared; onSent: (request: ServiceRequest) => void }) {
  const [kind, setKind] = useState<Kind | null>(null);
  const [note, setNote] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState("");

  async function send(event: Event) {
    event.preventDefault();
    if (!kind || sending) return;
    if (kind === "maintenance" && !note.trim()) {
      setError(t("requestNeedsNote"));
      return;
    }
    const chosen = KINDS.find((item) => item.id === kind)!;
    setSending(true);
    setError("");
    try {
      // Staff read the request in English, with the guest's own words after it.
      const description = note.trim() ? `${english(requestKey(kind))}: ${note.trim()}` : english(requestKey(kind));
      const created = await sendRequest(shared.room, chosen.jobType, description);
      shared.announce(t("requestSent", { what: t(requestKey(kind)) }));
      setKind(null);
      setNote("");
      onSent(created);
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <section class="g-card" aria-labelledby="request-title">
      <h2 id="request-title">{t("requestTitle")}</h2>
      <div class="g-tiles" role="group" aria-labelledby="request-title">
        {KINDS.map((item) => (
          <button key={item.id} type="button" class="g-tile" aria-pressed={kind === item.id} onClick={() => setKind(kind === item.id ? null : item.id)}>
            <span aria-hidden="true" class="g-tile-glyph">
              {item.glyph}
            </span>
            <span>{t(requestKey(item.id))}</span>
          </button>
        ))}
      </div>
      {kind && (
        <form onSubmit={send} class="g-form" noValidate>
          <label for="request-note">{kind === "maintenance" ? t("requestNoteBroken") : t("requestNote")}</label>
          <textarea id="request-note" rows={2} maxLength={500} value={note} onInput={(event) => setNote((event.target as HTMLTextAreaElement).value)} />
          <button type="submit" class="g-primary g-wide" disabled={sending}>
            {sending ? t("sending") : `${t("sendRequest")}: ${t(requestKey(kind))}`}
          </button>
        </form>
      )}
      <p class="g-error" role="alert">
        {error}
      </p>
    </section>
  );
}

export function RoomServices({ shared }: { shared: Shared }) {
  // tasks answers a guest with the requests of their own stay only, each with its task's status.
  const requests = useResource(() => loadRequests(shared.room), [], shared.room);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void requests.reload();
    }, REFRESH_MS);
    const onVisible = () => document.visibilityState === "visible" && void requests.reload();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [requests.reload]);

  // The list may come without each request's task: the task as the request's answer gave it
  // stands in until the list brings one.
  const [answered, setAnswered] = useState<Record<string, ServiceRequest["task"]>>({});
  const list = (requests.data ?? []).map((request) => (request.task ? request : { ...request, task: answered[request.taskId] ?? null }));
  return (
    <>
      <h1>{t("roomTitle")}</h1>
      <DoorSign shared={shared} />
      <NewRequest
        shared={shared}
        onSent={(created) => {
          setAnswered((known) => ({ ...known, [created.taskId]: created.task ?? null }));
          void requests.reload();
        }}
      />
      <section aria-labelledby="my-requests">
        <h2 id="my-requests">{t("myRequests")}</h2>
        {requests.error && (
          <p class="g-error" role="alert">
            {explain(requests.error)}
          </p>
        )}
        {requests.data && list.length === 0 && <p class="g-empty">{t("requestsEmpty")}</p>}
        <ul class="g-list">
          {list.map((request) => (
            <li key={request.taskId} class="g-card g-row g-request">
              <div>
                <p class="g-name">{t(kindOf(request))}</p>
                <p class="g-muted">{t("askedAt", { time: formatTime(request.date) })}</p>
              </div>
              <p class={`g-pill g-task-${request.status ?? request.task?.status ?? "unknown"}`}>{statusOf(request)}</p>
            </li>
          ))}
        </ul>
        {requests.asOf && <p class="g-muted g-asof">{t("updatedAt", { time: formatTime(requests.asOf.toISOString()) })}</p>}
      </section>
    </>
  );
}
