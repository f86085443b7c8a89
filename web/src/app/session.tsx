// Who is signed in, on which yacht, with which role, and what the registry lets them do
// there. The token lives in sessionStorage (gone when the tab closes); nothing else is kept.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { Api, ApiError } from "../api/client";
import type { ActionDef, LensInfo, Membership, User } from "../api/types";

const TOKEN_KEY = "celeste.token";
const YACHT_KEY = "celeste.yacht";

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

export function SessionProvider({
  api,
  children,
  loginPage,
}: {
  api: Api;
  children: ReactNode;
  loginPage: (onLogin: (token: string, user: User, memberships: Membership[]) => void) => ReactNode;
}) {
  const [state, setState] = useState<SessionState | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const [actions, setActions] = useState<ActionDef[]>([]);
  const [lenses, setLenses] = useState<LensInfo[]>([]);
  const [loadedYacht, setLoadedYacht] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const signIn = useCallback((token: string, user: User, memberships: Membership[]) => {
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
  }, []);

  // A reload keeps the session while the token is good.
  useEffect(() => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return;
    api
      .withToken(token)
      .me()
      .then((me) => signIn(token, me.user, me.memberships))
      .catch(() => sessionStorage.removeItem(TOKEN_KEY))
      .finally(() => setRestoring(false));
  }, [api, signIn]);

  const authed = useMemo(() => (state ? api.withToken(state.token) : null), [api, state]);

  useEffect(() => {
    if (!authed || !state?.yachtId) return;
    let live = true;
    authed
      .actions(state.yachtId)
      .then((list) => {
        if (!live) return;
        setActions(list.actions);
        setLenses(list.lenses ?? []);
        setLoadedYacht(state.yachtId);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) logout();
      });
    return () => {
      live = false;
    };
  }, [authed, state?.yachtId, version, logout]);

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
      version,
      refresh: () => setVersion((v) => v + 1),
      switchYacht: (yachtId: string) => {
        sessionStorage.setItem(YACHT_KEY, yachtId);
        setState((s) => (s ? { ...s, yachtId } : s));
      },
      logout,
    };
  }, [state, authed, actions, lenses, loadedYacht, version, logout]);

  if (restoring) return <p className="loading">Loading…</p>;
  if (!value) return <>{loginPage(signIn)}</>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** A session for component tests: everything given, nothing fetched. */
export function TestSession({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
