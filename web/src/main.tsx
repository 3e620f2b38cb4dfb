// The dashboard's entry: restore the session from the refresh cookie, then show the role's pages.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getUser, logout, onSessionChange, restoreSession, type User } from "./api";
import { connect, disconnect, onConnectionState, type ConnectionState } from "./socket";
import { homeFor, pagesFor, PAGE_TITLES, type PageId } from "./roles";
import { Bell } from "./components/Bell";
import { Toasts } from "./components/Toasts";
import { Login } from "./pages/Login";
import { Rooms } from "./pages/Rooms";
import { Tasks } from "./pages/Tasks";
import { Audit } from "./pages/Audit";
import { FrontDesk } from "./pages/FrontDesk";
import "./styles.css";

function currentHash(): string {
  return window.location.hash.replace(/^#\/?/, "");
}

function useHash(): string {
  const [hash, setHash] = useState(currentHash());
  useEffect(() => {
    const update = () => setHash(currentHash());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return hash;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

function Connection() {
  const [state, setState] = useState<ConnectionState>("offline");
  useEffect(() => onConnectionState(setState), []);
  return (
    <span class={`connection ${state}`} role="status">
      <span aria-hidden="true">{state === "live" ? "●" : "○"}</span> {CONNECTION_TEXT[state]}
    </span>
  );
}

function Kitchen() {
  return (
    <section aria-labelledby="kitchen-title">
      <h1 id="kitchen-title">Kitchen</h1>
      <p>The kitchen board (orders by status, menu and combos) arrives with the F&amp;B service.</p>
      <p class="muted">Until then, room-service orders are not tracked on this screen.</p>
    </section>
  );
}

function StaffNotice() {
  return (
    <section aria-labelledby="staff-title">
      <h1 id="staff-title">Use the staff app</h1>
      <p>
        Your tasks, rooms and alerts are in the staff app for phones: <a href="/staff/">open the staff app at /staff/</a>.
      </p>
    </section>
  );
}

function Page({ page, user }: { page: PageId; user: User }) {
  switch (page) {
    case "rooms":
      return <Rooms user={user} />;
    case "frontdesk":
      return <FrontDesk />;
    case "tasks":
      return <Tasks user={user} />;
    case "audit":
      return <Audit />;
    case "kitchen":
      return <Kitchen />;
    default:
      return <StaffNotice />;
  }
}

function Shell({ user }: { user: User }) {
  const hash = useHash();
  const pages = pagesFor(user);
  const page = (pages as string[]).includes(hash) ? (hash as PageId) : homeFor(user);
  const live = user.role !== "staff" && user.role !== "guest";

  useEffect(() => {
    if (!live) return;
    connect();
    return () => disconnect();
  }, [user.id]);

  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · Hotel operations`;
  }, [page]);

  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <span class="brand">Hotel operations</span>
        <nav aria-label="Main">
          <ul>
            {pages.map((id) => (
              <li key={id}>
                <a href={`#/${id}`} aria-current={id === page ? "page" : undefined}>{PAGE_TITLES[id]}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-right">
          {live && <Connection />}
          {live && <Bell />}
          <span class="who">
            {user.username} <span class="muted">({user.role}{user.department ? `, ${user.department}` : ""})</span>
          </span>
          <button type="button" onClick={() => void logout()}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page page={page} user={user} />
      </main>
      {live && <Toasts />}
    </div>
  );
}

function App() {
  const [user, setUser] = useState<User | null>(getUser());
  const [restoring, setRestoring] = useState(true);

  useEffect(() => {
    const off = onSessionChange(setUser);
    // A reload keeps nothing in memory: the refresh cookie brings the session back.
    void restoreSession().finally(() => setRestoring(false));
    return off;
  }, []);

  if (restoring) return <p class="restoring" role="status">Loading…</p>;
  return user ? <Shell user={user} /> : <Login />;
}

render(<App />, document.getElementById("app")!);
