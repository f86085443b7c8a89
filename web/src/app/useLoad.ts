// Loads data for a view and reloads when its inputs change or an action succeeded
// (the session's version). Stale answers from an earlier input are dropped.
import { useEffect, useState } from "react";
import type { DependencyList } from "react";
import { useSession } from "./session";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const { version } = useSession();
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  return state;
}
