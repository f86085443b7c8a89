// Sign in with email and password. When the server runs the demo fleet it lists the demo
// accounts (GET /v1/auth/demo-accounts); choosing one fills the form.
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { Api, ApiError } from "../api/client";
import type { DemoAccounts, Membership, User } from "../api/types";
import { words } from "../app/ui";

export function LoginPage({
  api,
  onLogin,
  notice = null,
}: {
  api: Api;
  onLogin: (token: string, user: User, memberships: Membership[]) => void;
  /** Why the last session ended (expired token, lost membership), shown above the form. */
  notice?: string | null;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);

  useEffect(() => {
    api.demoAccounts().then(setDemo, () => setDemo(null));
  }, [api]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.login(email.trim(), password);
      if (answer.memberships.length === 0) {
        setError("This account is not a member of any yacht yet. Ask your captain or manager.");
        return;
      }
      onLogin(answer.access_token, answer.user, answer.memberships);
    } catch (err) {
      if (err instanceof ApiError && err.errorCode === "invalid_credentials") {
        setError("That email and password do not match an account.");
      } else if (err instanceof ApiError && err.errorCode === "rate_limited") {
        setError("Too many attempts. Wait a few minutes, then try again.");
      } else {
        setError(err instanceof Error ? err.message : "Sign-in failed.");
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="login">
      <h1>celeste</h1>
      <p className="tagline">Planned maintenance, from the tablet in your hand.</p>
      {notice && (
        <p role="status" className="notice" tabIndex={-1} ref={(p) => p?.focus()}>
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-label="Sign in" noValidate>
        <label>
          Email
          <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error-note">
            {error}
          </p>
        )}
        <button type="submit" className="button primary" disabled={busy || !email || !password}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {demo?.demo && demo.accounts.length > 0 && (
        <section className="demo-accounts" aria-labelledby="demo-title">
          <h2 id="demo-title">Demo accounts</h2>
          <p>
            Password <code>{demo.password}</code>, PIN <code>{demo.pin}</code>.
          </p>
          <ul>
            {demo.accounts.map((a) => (
              <li key={a.email}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setEmail(a.email);
                    setPassword(demo.password ?? "");
                  }}
                >
                  {a.email}
                </button>{" "}
                <span className="muted">
                  {words(a.role)} · {a.yacht_name}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
