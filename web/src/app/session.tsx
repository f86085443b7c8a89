// Who is signed in, on which yacht, with which role, and what the registry lets them do
// there. The token lives in sessionStorage (gone when the tab closes); nothing else is kept.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { Api, ApiError } from "../api/client";
import type { ActionDef, LensInfo, Membership, User } from "../api/types";

const TOKEN_KEY = "celeste.token";
const YACHT_KEY = "celeste.yacht";
const SESSION_ENDED = "Your session has ended. Sign in again to continue.";

export interface Session {
  api: Api;
  user: User;
  memberships: Membership[];
  yachtId: string;
  membership: Membership;
  /** Actions the caller's role may initiate on this yacht, from enabled lenses only. */
  actions: ActionDef[];
  /** Enabled lenses on this yacht (a lens that is off is absent). */
  lenses: LensInfo[];
  /** Whether actions and lenses are this yacht's (false until /v1/actions/list answers). */
  loaded: boolean;
  /** Why /v1/actions/list failed for this yacht (refresh() asks again); null otherwise. */
  loadError: unknown;
  /** Bumped after every successful action: views reload when it changes. */
  version: number;
  refresh: () => void;
  switchYacht: (yachtId: string) => void;
  logout: () => void;
}

interface SessionState {
  token: string;
  user: User;
  memberships: Membership[];
  yachtId: string;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in SessionProvider");
  return s;
}

/** The action with this id if the caller may initiate it here. */
export function useAction(actionId: string): ActionDef | undefined {
  return useSession().actions.find((a) => a.action_id === actionId);
}

export type SignIn = (token: string, user: User, memberships: Membership[]) => void;

export function SessionProvider({
  api,
  children,
  loginPage,
}: {
  api: Api;
  children: ReactNode;
  /** The sign-in page; `notice` says why the last session ended, when it did not by choice. */
  loginPage: (onLogin: SignIn, notice: string | null) => ReactNode;
}) {
  const [state, setState] = useState<SessionState | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const [actions, setActions] = useState<ActionDef[]>([]);
  const [lenses, setLenses] = useState<LensInfo[]>([]);
  const [loadedYacht, setLoadedYacht] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const signIn = useCallback<SignIn>((token, user, memberships) => {
    if (memberships.length === 0) {
      sessionStorage.removeItem(TOKEN_KEY);
      setNotice("This account is not a member of any yacht now. Ask your captain or manager.");
      return;
    }
    setNotice(null);
    const remembered = sessionStorage.getItem(YACHT_KEY);
    const yachtId = memberships.find((m) => m.yacht_id === remembered)?.yacht_id ?? memberships[0]?.yacht_id ?? "";
    sessionStorage.setItem(TOKEN_KEY, token);
    setState({ token, user, memberships, yachtId });
  }, []);

  const logout = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    setState(null);
    setActions([]);
    setLenses([]);
    setLoadedYacht(null);
    setLoadError(null);
  }, []);

  // Any 401 on a signed-in call (token expired, user removed): back to sign-in, saying why.
  // Only for the token still in use: a late refusal of an earlier session's call is old news.
  const expiredFor = useCallback(
    (token: string) => () => {
      if (sessionStorage.getItem(TOKEN_KEY) !== token) return;
      logout();
      setNotice(SESSION_ENDED);
    },
    [logout],
  );

  // A reload keeps the session while the token is good.
  useEffect(() => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return;
    api
      .withToken(token)
      .me()
      .then((me) => signIn(token, me.user, me.memberships))
      .catch((e: unknown) => {
        // Only a refused token ends the session; a network blip during a reload does not.
        if (e instanceof ApiError && e.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          setNotice(SESSION_ENDED);
        } else setNotice("The server could not be reached. Sign in again when you are back online.");
      })
      .finally(() => setRestoring(false));
  }, [api, signIn]);

  const token = state?.token ?? null;
  const authed = useMemo(() => (token ? api.withToken(token, expiredFor(token)) : null), [api, token, expiredFor]);

  useEffect(() => {
    if (!authed || !state?.yachtId) return;
    let live = true;
    const yachtId = state.yachtId;
    authed.actions(yachtId).then(
      (list) => {
        if (!live) return;
        setActions(list.actions);
        setLenses(list.lenses ?? []);
        setLoadedYacht(yachtId);
        setLoadError(null);
      },
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [authed, state?.yachtId, version]);

  const value = useMemo<Session | null>(() => {
    if (!state || !authed) return null;
    const membership = state.memberships.find((m) => m.yacht_id === state.yachtId) ?? state.memberships[0];
    return {
      api: authed,
      user: state.user,
      memberships: state.memberships,
      yachtId: state.yachtId,
      membership,
      actions,
      lenses,
      loaded: loadedYacht === state.yachtId,
      loadError,
      version,
      refresh: () => setVersion((v) => v + 1),
      switchYacht: (yachtId: string) => {
        sessionStorage.setItem(YACHT_KEY, yachtId);
        // Nothing of the previous yacht's registry may be offered on this one.
        setActions([]);
        setLenses([]);
        setLoadedYacht(null);
        setLoadError(null);
        setState((s) => (s ? { ...s, yachtId } : s));
      },
      logout,
    };
  }, [state, authed, actions, lenses, loadedYacht, loadError, version, logout]);

  if (restoring) return <p className="loading">Loading…</p>;
  if (!value) return <>{loginPage(signIn, notice)}</>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** A session for component tests: everything given, nothing fetched. */
export function TestSession({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
