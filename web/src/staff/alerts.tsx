// Alerts from a supervisor (the person's inbox, `alert.sent`), mark read; and this phone's
// settings: Web Push opt-in.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Page, type User } from "../api";
import { describeError, useResource } from "../live";
import type { Notification } from "../socket";
import { disablePush, enablePush, pushState, type PushState } from "./push";
import { t, tr } from "./strings";
import { LanguageSwitch } from "./language";

function PushSetting() {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  useEffect(() => {
    void pushState().then(setState);
  }, []);

  async function toggle() {
    setBusy(true);
    setError("");
    try {
      setState(await (state === "on" ? disablePush() : enablePush()));
    } catch (caught) {
      setError(t("pushFailed", { detail: caught instanceof ApiError ? describeError(caught) : String(caught) }));
    } finally {
      setBusy(false);
    }
  }

  if (state === null) return null;
  return (
    <section aria-labelledby="st-push-title">
      <h3 id="st-push-title">{t("pushTitle")}</h3>
      {state === "unavailable" && <p>{t("pushUnavailable")}</p>}
      {state === "blocked" && <p>{t("pushBlocked")}</p>}
      {(state === "on" || state === "off") && (
        <>
          <p>{state === "on" ? t("pushOn") : t("pushOff")}</p>
          <button type="button" class="st-primary" aria-pressed={state === "on"} disabled={busy} onClick={() => void toggle()}>
            {state === "on" ? t("pushDisable") : t("pushEnable")}
          </button>
        </>
      )}
      <p class={error ? "st-error" : "st-error st-empty"} role="alert">
        {error}
      </p>
    </section>
  );
}

export function AlertsTab({ visible, online, onUnread }: { user: User; visible: boolean; online: boolean; onUnread: (count: number) => void }) {
  const inbox = useResource(() => api<Page<Notification>>("GET", "/api/notifications", { query: { limit: 100 } }), ["alert."]);
  const [error, setError] = useState("");
  const alerts = (inbox.data?.items ?? []).filter((item) => item.event === "alert.sent");
  const unread = alerts.filter((item) => !item.read).length;
  useEffect(() => onUnread(unread), [unread]);
  useEffect(() => {
    if (online) void inbox.reload();
  }, [online]);

  async function markRead(id: string) {
    setError("");
    try {
      await api("POST", `/api/notifications/${encodeURIComponent(id)}/read`);
      await inbox.reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? describeError(caught) : String(caught));
    }
  }

  if (!visible) return null;
  return (
    <section aria-labelledby="st-alerts-title">
      <div class="st-section-head">
        <h1 id="st-alerts-title">{t("alerts")}</h1>
      </div>
      <p class={error ? "st-error" : "st-error st-empty"} role="alert">
        {error}
      </p>
      {inbox.error && !inbox.data && <p class="st-error">{t("errorLoading", { detail: describeError(inbox.error) })}</p>}
      {inbox.data && alerts.length === 0 && <p class="st-empty-state">{t("noAlerts")}</p>}
      <ul class="st-list">
        {alerts.map((item) => {
          const raw = item.raw ?? {};
          const sender = (raw.sentBy as { username?: string } | undefined)?.username ?? "";
          const priority = String(raw.priority ?? "normal");
          return (
            <li key={item.id}>
              <article class={`st-card st-alert st-alert-${priority}${item.read ? "" : " st-unread"}`} aria-label={t("from", { name: sender })}>
                <p class="st-meta">
                  {!item.read && <span class="st-badge st-unread-badge">● {t("unread")}</span>}
                  <span class={`st-badge st-alert-badge-${priority}`}>
                    {priority !== "normal" && <span aria-hidden="true">⚠ </span>}
                    {tr("alertPriority_", priority)}
                  </span>
                  <span>
                    {" "}
                    {t("from", { name: sender })} · {new Date(item.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                  </span>
                </p>
                <p class="st-alert-message">{String(raw.message ?? "")}</p>
                {!item.read && (
                  <div class="st-actions">
                    <button type="button" aria-label={t("markReadLabel", { name: sender })} onClick={() => void markRead(item.id)}>
                      {t("markRead")}
                    </button>
                  </div>
                )}
              </article>
            </li>
          );
        })}
      </ul>
      <section class="st-card st-settings" aria-labelledby="st-settings-title">
        <h2 id="st-settings-title">{t("settings")}</h2>
        <LanguageSwitch visibleLabel />
        <PushSetting />
      </section>
    </section>
  );
}
