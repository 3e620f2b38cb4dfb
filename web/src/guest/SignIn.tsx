// Sign in with the room number and the booking code (the stay's specialId).
import { useState } from "preact/hooks";
import { ApiError, guestLogin } from "../api";
import { LanguageSwitch, explain } from "./parts";
import { t } from "./strings";

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [room, setRoom] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!room.trim() || !code.trim()) {
      setError(t("errMissing"));
      return;
    }
    setBusy(true);
    setError("");
    try {
      await guestLogin(room.trim(), code.trim());
      onSignedIn();
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? t("errWrongCode") : explain(caught));
      setBusy(false);
    }
  }

  return (
    <main class="g-signin">
      <div class="g-signin-top">
        <LanguageSwitch id="signin-language" />
      </div>
      <form class="g-card g-signin-card" onSubmit={submit} noValidate aria-labelledby="signin-title">
        <h1 id="signin-title">{t("signInTitle")}</h1>
        <p>{t("signInIntro")}</p>
        {notice && (
          <p class="g-notice" role="status">
            {notice}
          </p>
        )}
        <label for="signin-room">{t("roomNumber")}</label>
        <input
          id="signin-room"
          autoComplete="off"
          maxLength={10}
          value={room}
          onInput={(event) => setRoom((event.target as HTMLInputElement).value)}
        />
        <label for="signin-code">{t("bookingCode")}</label>
        <input
          id="signin-code"
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          value={code}
          onInput={(event) => setCode((event.target as HTMLInputElement).value)}
        />
        <p class="g-error" role="alert">
          {error}
        </p>
        <button type="submit" class="g-primary" disabled={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
      </form>
    </main>
  );
}
