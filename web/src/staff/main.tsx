// The staff app at /staff/: a phone, one thumb, often no signal. My tasks first, then the rooms
// of my department, then alerts; every change goes through the phone's outbox (queue.ts).
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, getUser, login, logout, onSessionChange, restoreSession, type User } from "../api";
import { useLanguage } from "../i18n";
import { connect, disconnect, onConnectionState, type ConnectionState } from "../socket";
import { onChanges, startReplay, type Change } from "./queue";
import { t } from "./strings";
import { TasksTab } from "./tasks";
import { RoomsTab } from "./rooms";
import { AlertsTab } from "./alerts";
import { Outbox } from "./outbox";
import { LanguageSwitch } from "./language";
import "./staff.css";

// Not a credential: who last signed in on this phone, so the app opens offline with their lists.
const REMEMBERED = "hotel.staff.user";

function remember(user: User | null): void {
  try {
    if (user) localStorage.setItem(REMEMBERED, JSON.stringify(user));
    else localStorage.removeItem(REMEMBERED);
  } catch {
    // Storage disabled: opening offline then shows the sign-in.
  }
}

function remembered(): User | null {
  try {
    return JSON.parse(localStorage.getItem(REMEMBERED) ?? "null") as User | null;
  } catch {
    return null;
  }
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

function SignIn() {
  useLanguage();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError(t("enterBoth"));
      errorRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (caught) {
      const problem = caught as ApiError;
      if (problem.status === 429) setError(t("tooMany", { seconds: problem.retryAfter ?? 30 }));
      else if (problem.status === 401) setError(t("wrongPassword"));
      else if (problem.status === 0) setError(t("noConnection"));
      else setError(problem.detail || problem.title);
      setBusy(false);
      errorRef.current?.focus();
    }
  }

  return (
    <main class="st-signin">
      <form onSubmit={submit} noValidate aria-labelledby="st-signin-title">
        <div class="st-signin-head">
          <h1 id="st-signin-title">{t("signInTitle")}</h1>
          <LanguageSwitch />
        </div>
        <p>{t("signInIntro")}</p>
        <label for="st-username">{t("username")}</label>
        <input id="st-username" autocomplete="username" autocapitalize="none" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="st-password">{t("password")}</label>
        <input id="st-password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <p ref={errorRef} tabIndex={-1} class={error ? "st-error" : "st-error st-empty"} role="alert">
          {error}
        </p>
        <button type="submit" class="st-primary" disabled={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
      </form>
    </main>
  );
}

const CONNECTION_KEYS = { connecting: "connecting", live: "live", reconnecting: "reconnecting", offline: "offline" } as const;

function Connection({ online }: { online: boolean }) {
  const [state, setState] = useState<ConnectionState>("offline");
  useEffect(() => onConnectionState(setState), []);
  const shown: ConnectionState = online ? state : "offline";
  return (
    <span class={`st-connection st-${shown}`} role="status">
      <span aria-hidden="true">{shown === "live" ? "●" : "○"}</span> {t(CONNECTION_KEYS[shown])}
    </span>
  );
}

type Tab = "tasks" | "rooms" | "alerts";
const TABS: Tab[] = ["tasks", "rooms", "alerts"];

/** The tab is kept in the address (#rooms), so a reload or an opened notification lands there. */
function tabFromAddress(): Tab {
  const named = location.hash.replace(/^#\/?/, "") as Tab;
  return TABS.includes(named) ? named : "tasks";
}

function Shell({ user, offlineStart }: { user: User; offlineStart: boolean }) {
  const lang = useLanguage();
  const online = useOnline();
  const [tab, setTab] = useState<Tab>(tabFromAddress);
  const [queued, setQueued] = useState<Change[]>([]);
  const [unreadAlerts, setUnreadAlerts] = useState(0);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => onChanges(setQueued), []);
  useEffect(() => startReplay(), []);
  useEffect(() => {
    if (offlineStart) return;
    connect();
    return () => disconnect();
  }, [user.id, offlineStart]);

  useEffect(() => {
    document.title = `${t(tab === "tasks" ? "tabTasks" : tab === "rooms" ? "tabRooms" : "tabAlerts")} · ${t("appName")}`;
  }, [tab, lang]);

  const [confirmingSignOut, setConfirmingSignOut] = useState(false);

  async function signOut() {
    // The cached lists belong to this person: a colleague signing in on this phone starts clean.
    // (Cache Storage is the origin's, so the page deletes the worker's cache itself; the name is
    // sw.js's DATA.)
    if ("caches" in window) await caches.delete("staff-data-v1").catch(() => false);
    remember(null);
    await logout().catch(() => undefined);
  }

  useEffect(() => {
    const follow = () => setTab(tabFromAddress());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  function choose(next: Tab) {
    setTab(next);
    history.replaceState(null, "", `#${next}`);
    mainRef.current?.focus();
  }

  const mine = queued.filter((change) => change.userId === user.id);
  const waitingCount = mine.filter((change) => change.state === "waiting").length;
  const tabs: [Tab, string, string, number][] = [
    ["tasks", t("tabTasks"), "☑", 0],
    ["rooms", t("tabRooms"), "⌂", 0],
    ["alerts", t("tabAlerts"), "✉", unreadAlerts],
  ];

  return (
    <div class="st-shell">
      <header class="st-top">
        <span class="st-who">
          {user.username}
          {user.department ? <span class="st-muted"> · {user.department}</span> : null}
        </span>
        <Connection online={online} />
        <button
          type="button"
          class="st-quiet"
          aria-expanded={waitingCount > 0 ? confirmingSignOut : undefined}
          onClick={() => (waitingCount > 0 ? setConfirmingSignOut(!confirmingSignOut) : void signOut())}
        >
          {t("signOut")}
        </button>
      </header>
      {confirmingSignOut && waitingCount > 0 && (
        <div class="st-confirm" role="group" aria-label={t("signOut")}>
          <p>{t("signOutWaiting", { count: waitingCount })}</p>
          <div class="st-actions">
            <button type="button" class="st-danger" onClick={() => void signOut()}>
              {t("signOutAnyway")}
            </button>
            <button type="button" onClick={() => setConfirmingSignOut(false)}>
              {t("cancel")}
            </button>
          </div>
        </div>
      )}
      <main id="st-main" ref={mainRef} tabIndex={-1}>
        <Outbox changes={mine} />
        {tab === "tasks" && <TasksTab user={user} changes={mine} online={online} />}
        {tab === "rooms" && <RoomsTab user={user} changes={mine} online={online} />}
        <AlertsTab user={user} visible={tab === "alerts"} online={online} onUnread={setUnreadAlerts} />
      </main>
      <nav class="st-tabs" aria-label={t("tabs")}>
        {tabs.map(([id, label, glyph, count]) => (
          <button key={id} type="button" aria-current={tab === id ? "page" : undefined} onClick={() => choose(id)}>
            <span aria-hidden="true" class="st-tab-glyph">
              {glyph}
            </span>
            <span>{label}</span>
            {count > 0 && <span class="st-count">{count}</span>}
          </button>
        ))}
      </nav>
    </div>
  );
}

function App() {
  useLanguage();
  const [user, setUser] = useState<User | null>(getUser());
  const [restoring, setRestoring] = useState(true);
  const [offlineStart, setOfflineStart] = useState(false);

  useEffect(() => {
    const off = onSessionChange((next) => {
      setUser(next);
      if (next) {
        remember(next);
        setOfflineStart(false);
      }
    });
    restoreSession()
      .catch((caught: unknown) => {
        // No signal on opening: the person who last signed in here sees their last lists; the
        // refresh cookie is presented as soon as the connection returns (before the queue sends).
        const known = remembered();
        if (caught instanceof ApiError && caught.status === 0 && known) {
          setUser(known);
          setOfflineStart(true);
        }
      })
      .finally(() => setRestoring(false));
    return off;
  }, []);

  // Opened offline: once the connection returns, bring the session back for real.
  useEffect(() => {
    if (!offlineStart) return;
    const online = () =>
      void restoreSession()
        .then((restored) => {
          if (!restored) setUser(null); // the cookie was refused: sign in again (the queue keeps its changes)
        })
        .catch(() => undefined);
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [offlineStart]);

  if (restoring) return <p class="st-restoring" role="status">{t("loading")}</p>;
  return user ? <Shell user={user} offlineStart={offlineStart} /> : <SignIn />;
}

if ("serviceWorker" in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register("/staff/sw.js", { scope: "/staff/" }).catch(() => undefined);
}

render(<App />, document.getElementById("app")!);
