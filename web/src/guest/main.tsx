// The guest app's entry: bring the stay back from the refresh cookie, else the sign-in screen.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getUser, logout, onSessionChange, restoreSession, type User } from "../api";
import { useLanguage } from "../i18n";
import { GuestApp } from "./GuestApp";
import { SignIn } from "./SignIn";
import { t } from "./strings";
import "./guest.css";

/** Only a guest grant opens the app (a staff session in this browser signs in again here). */
const asGuest = (user: User | null) => (user && user.role === "guest" ? user : null);

function Root() {
  useLanguage(); // every screen re-renders in the language the guest picks
  const [user, setUser] = useState<User | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    document.title = t("appName");
  });

  useEffect(() => {
    const off = onSessionChange((next) => {
      setUser((before) => {
        // Signed out by the server (stay checked out, cookie refused), not by the guest's tap.
        if (before && !next && !signingOut) setEnded(true);
        return asGuest(next);
      });
    });
    void restoreSession().then(() => {
      setUser(asGuest(getUser()));
      setRestoring(false);
    });
    return () => {
      off();
    };
  }, []);

  if (restoring) {
    return (
      <p class="g-restoring" role="status">
        {t("restoring")}
      </p>
    );
  }
  if (!user) return <SignIn notice={ended ? t("sessionEnded") : null} onSignedIn={() => setEnded(false)} />;
  return <GuestApp user={user} onSignOut={signOut} />;
}

let signingOut = false;

async function signOut(): Promise<void> {
  signingOut = true;
  try {
    await logout();
  } finally {
    signingOut = false;
  }
}

render(<Root />, document.getElementById("app")!);
