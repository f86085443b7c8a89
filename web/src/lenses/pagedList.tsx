// A lens's list action read a page at a time. The first page loads through useLoad, so it
// reloads after any successful action; "more" follows the server's next_cursor and appends,
// and is forgotten whenever the first page reloads (the list may have changed under it).
import { useState } from "react";
import type { Api } from "../api/client";
import { ErrorNote } from "../app/ui";
import { useSession } from "../app/session";
import { useLoad } from "../app/useLoad";
import type { Loaded } from "../app/useLoad";

type Result = Record<string, unknown>;

interface Page<T> {
  result: Result;
  rows: T[];
  next: string | null;
}

interface Extra<T> {
  base: Page<T>;
  rows: T[];
  next: string | null;
  busy: boolean;
  error: unknown;
}

export interface PagedList<T> extends Loaded<T[]> {
  /** The first page's whole result, for what it says beside the rows (e.g. warning_days). */
  first: Result | undefined;
  /** Reads the next page; absent while one is being read or when there is none. */
  loadMore?: () => void;
  loadingMore: boolean;
  moreError: unknown;
}

async function readPage<T>(api: Api, yachtId: string, action: string, rowsKey: string, payload: Result) {
  const result = await api.read<Result>(yachtId, action, payload);
  const next = typeof result.next_cursor === "string" ? result.next_cursor : null;
  return { result, rows: (result[rowsKey] as T[] | undefined) ?? [], next } satisfies Page<T>;
}

/** Reads `action` with `payload`; the rows are the result's `rowsKey` array. */
export function usePagedList<T>(action: string, rowsKey: string, payload: Result): PagedList<T> {
  const { api, yachtId } = useSession();
  const payloadKey = JSON.stringify(payload);
  const load = useLoad(() => readPage<T>(api, yachtId, action, rowsKey, payload), [api, yachtId, action, rowsKey, payloadKey]);
  const [extra, setExtra] = useState<Extra<T> | null>(null);

  const base = load.data;
  const current = extra && extra.base === base ? extra : null;
  const next = current ? current.next : (base?.next ?? null);

  function loadMore(from: Page<T>, cursor: string) {
    const settle = (change: (e: Extra<T>) => Extra<T>) =>
      setExtra((e) => (e && e.base === from ? change(e) : e));
    setExtra({ base: from, rows: current?.rows ?? [], next: cursor, busy: true, error: undefined });
    readPage<T>(api, yachtId, action, rowsKey, { ...payload, cursor }).then(
      (page) => settle((e) => ({ ...e, rows: [...e.rows, ...page.rows], next: page.next, busy: false })),
      (error: unknown) => settle((e) => ({ ...e, busy: false, error })),
    );
  }

  return {
    data: base ? [...base.rows, ...(current?.rows ?? [])] : undefined,
    error: load.error,
    loading: load.loading,
    first: base?.result,
    loadMore: base && next && !current?.busy ? () => loadMore(base, next) : undefined,
    loadingMore: current?.busy ?? false,
    moreError: current?.error,
  };
}

/** The button under a paged list; nothing when the server has no further page. */
export function MoreButton<T>({ list, label }: { list: PagedList<T>; label: string }) {
  if (!list.loadMore && !list.loadingMore && !list.moreError) return null;
  return (
    <div className="lens-more">
      {list.moreError !== undefined && <ErrorNote error={list.moreError} />}
      {(list.loadMore || list.loadingMore) && (
        <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? "Loading…" : label}
        </button>
      )}
    </div>
  );
}
