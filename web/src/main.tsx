// The dashboard's entry: restore the session from the refresh cookie, then show the role's pages.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getUser, logout, onSessionChange, restoreSession, type User } from "./api";
import { connect, disconnect, onConnectionState, type ConnectionState } from "./socket";
import { homeFor, NAV_SECTIONS, NOT_IN_NAVIGATION, pagesFor, PAGE_TITLES, type PageId } from "./roles";
import { useRoute } from "./route";
import { Bell } from "./components/Bell";
import { Toasts } from "./components/Toasts";
import { Login } from "./pages/Login";
import { Rooms } from "./pages/Rooms";
import { Tasks } from "./pages/Tasks";
import { Audit } from "./pages/Audit";
import { FrontDesk } from "./pages/FrontDesk";
import { Today } from "./pages/Today";
import { Bookings } from "./pages/Bookings";
import { Messages } from "./pages/Messages";
import { Alerts } from "./pages/Alerts";
import { Kitchen } from "./pages/Kitchen";
import { Menu } from "./pages/Menu";
import { Analytics } from "./pages/Analytics";
import { Report } from "./pages/Report";
import { Users } from "./pages/Users";
import { Settings } from "./pages/Settings";
import { Pms } from "./pages/Pms";
import "./styles.css";

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
    case "today":
      return <Today user={user} />;
    case "rooms":
      return <Rooms user={user} />;
    case "frontdesk":
      return <FrontDesk />;
    case "bookings":
      return <Bookings user={user} />;
    case "messages":
      return <Messages user={user} />;
    case "tasks":
      return <Tasks user={user} />;
    case "alerts":
      return <Alerts user={user} />;
    case "kitchen":
      return <Kitchen user={user} />;
    case "menu":
      return <Menu user={user} />;
    case "analytics":
      return <Analytics user={user} />;
    case "report":
      return <Report user={user} />;
    case "audit":
      return <Audit />;
    case "users":
      return <Users user={user} />;
    case "settings":
      return <Settings user={user} />;
    case "pms":
      return <Pms user={user} />;
    default:
      return <StaffNotice />;
  }
}

function Shell({ user }: { user: User }) {
  const route = useRoute();
  const pages = pagesFor(user);
  const page = (pages as string[]).includes(route.page) ? (route.page as PageId) : homeFor(user);
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
        <div class="topbar-right">
          {live && <Connection />}
          {live && <Bell />}
          <span class="who">
            {user.username} <span class="muted">({user.role}{user.department ? `, ${user.department}` : ""})</span>
          </span>
          <button type="button" onClick={() => void logout()}>Sign out</button>
        </div>
      </header>
      <div class="body">
        <nav aria-label="Main" class="sidenav">
          {NAV_SECTIONS.map(([section, ids]) => {
            const mine = ids.filter((id) => pages.includes(id) && !NOT_IN_NAVIGATION.has(id));
            if (mine.length === 0) return null;
            return (
              <div key={section} class="nav-section">
                {pages.length > 3 && <h2 class="nav-heading">{section}</h2>}
                <ul>
                  {mine.map((id) => (
                    <li key={id}>
                      <a href={`#/${id}`} aria-current={id === page ? "page" : undefined}>{PAGE_TITLES[id]}</a>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" tabIndex={-1}>
          <Page page={page} user={user} />
        </main>
      </div>
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
