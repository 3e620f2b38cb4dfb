// Sign-in: username and password; every refusal explained, a throttle shows its countdown.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, login } from "../api";

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const errorRef = useRef<HTMLParagraphElement>(null);

  const waitSeconds = waitUntil ? Math.max(0, Math.ceil((waitUntil - now) / 1000)) : 0;

  useEffect(() => {
    if (!waitUntil) return;
    const timer = window.setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= waitUntil) {
        setWaitUntil(null);
        setError(null);
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [waitUntil]);

  async function submit(event: Event) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError("Enter your username and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (caught) {
      const problem = caught as ApiError;
      if (problem.status === 429) {
        const seconds = problem.retryAfter ?? 30;
        setNow(Date.now());
        setWaitUntil(Date.now() + seconds * 1000);
        setError(`Too many sign-in attempts. Wait ${seconds} seconds, then try again.`);
      } else if (problem.status === 401) {
        setError("Wrong username or password.");
      } else if (problem.status === 0) {
        setError("No connection to the server. Check the network and try again.");
      } else {
        setError(problem.detail || problem.title);
      }
      setBusy(false);
      errorRef.current?.focus();
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Hotel operations</h1>
        <p class="muted">Sign in with your staff account.</p>
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        <p ref={errorRef} tabIndex={-1} class={error ? "form-error" : "form-error empty"} role="alert">
          {error && waitSeconds > 0 ? `Too many sign-in attempts. Try again in ${waitSeconds} s.` : error}
        </p>
        <button type="submit" class="primary" disabled={busy || waitSeconds > 0}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
