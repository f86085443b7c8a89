// Loads data for a view and reloads when its inputs change or an action succeeded
// (the session's version). Stale answers from an earlier input are dropped, and data that
// belongs to earlier inputs is never shown for new ones (a new lens's chart, another filter):
// it counts as loading. A reload after an action keeps showing the current data meanwhile.
import { useEffect, useRef, useState } from "react";
import type { DependencyList } from "react";
import { useSession } from "./session";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

interface State<T> extends Loaded<T> {
  generation: number;
}

function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const { version } = useSession();
  const inputs = useRef<{ deps: DependencyList; generation: number }>({ deps, generation: 0 });
  if (!sameDeps(inputs.current.deps, deps)) {
    inputs.current = { deps, generation: inputs.current.generation + 1 };
  }
  const generation = inputs.current.generation;
  const [state, setState] = useState<State<T>>({ data: undefined, error: undefined, loading: true, generation });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false, generation }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false, generation }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  if (state.generation !== generation) return { data: undefined, error: undefined, loading: true };
  return state;
}
