// One search box for everything: what you can do (action suggestions from the registry,
// already filtered by role and flags on the server) and what exists (records across the
// lenses from /v1/search). Picking an action opens its form; picking a record opens its page.
import { useEffect, useId, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { useRunAction } from "../actions/ActionHost";
import type { SearchResult, Suggestion, SuggestionAnswer } from "../api/types";
import { entityPath, Link, useRouter } from "../app/router";
import { useSession } from "../app/session";
import { ErrorNote, words } from "../app/ui";
import "./search.css";

const DEBOUNCE_MS = 200;
const MIN_QUERY = 2;

interface Answers {
  query: string;
  suggestions: SuggestionAnswer;
  results: SearchResult[];
}

/** Fetches both answers for `query` after a pause in typing; older answers are dropped. */
function useSearch(query: string): { answers: Answers | null; error: unknown; busy: boolean } {
  const { api, yachtId } = useSession();
  const [answers, setAnswers] = useState<Answers | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const q = query.trim();
    if (q.length < MIN_QUERY) {
      setAnswers(null);
      setError(null);
      setBusy(false);
      return;
    }
    let live = true;
    setBusy(true);
    const timer = setTimeout(() => {
      Promise.all([api.suggestions(yachtId, q), api.search(yachtId, q, 10)]).then(
        ([suggestions, search]) => {
          if (!live) return;
          setAnswers({ query: q, suggestions, results: search.results });
          setError(null);
          setBusy(false);
        },
        (e: unknown) => {
          if (!live) return;
          setAnswers(null);
          setError(e);
          setBusy(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, yachtId, query]);
  return { answers, error, busy };
}

/** What a screen reader hears once answers arrive: "2 actions, 5 records". */
function summary(actions: number, records: number): string {
  const n = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;
  return `${n(actions, "action")}, ${n(records, "record")}`;
}

export function SearchBox({ compact = false }: { compact?: boolean }) {
  const { actions, lenses } = useSession();
  const { navigate } = useRouter();
  const runAction = useRunAction();
  const [query, setQuery] = useState("");
  const { answers, error, busy } = useSearch(query);
  const panelId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const open = query.trim().length >= MIN_QUERY;

  function pick(s: Suggestion) {
    const action = actions.find((a) => a.action_id === s.action_id);
    // The dialog gives focus back to what had it: the box, not the button about to vanish.
    inputRef.current?.focus();
    setQuery("");
    if (action && action.variant !== "READ") {
      runAction({ action });
    } else {
      navigate(`/lens/${s.domain}`);
    }
  }

  // Arrow keys move between the input and the panel's buttons and links; Escape closes.
  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    if (e.key === "Escape") {
      setQuery("");
      inputRef.current?.focus();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const items = Array.from(panelRef.current?.querySelectorAll<HTMLElement>("button, a") ?? []);
    if (items.length === 0) return;
    e.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) inputRef.current?.focus();
    else items[Math.min(next, items.length - 1)].focus();
  }

  const suggestions = answers?.suggestions.suggestions ?? [];
  const candidates = answers?.suggestions.ambiguous ? answers.suggestions.candidates : [];
  const results = answers?.results ?? [];
  const lensLabel = (id: string) => lenses.find((l) => l.id === id)?.label ?? words(id);

  return (
    <div className={compact ? "search compact" : "search"} role="search" onKeyDown={onKeyDown}>
      <input
        ref={inputRef}
        type="search"
        role="combobox"
        aria-label="Search"
        aria-expanded={open}
        aria-controls={panelId}
        aria-autocomplete="list"
        placeholder={compact ? "Search" : "What do you need? e.g. “add to shopping list”, a part number, a fault"}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      <p className="visually-hidden" role="status">
        {open && answers && !busy ? summary(suggestions.length + candidates.length, results.length) : ""}
      </p>
      <div id={panelId} ref={panelRef} className="search-panel" hidden={!open} aria-busy={busy}>
          {error ? <ErrorNote error={error} /> : null}
          {candidates.length > 0 && (
            <div className="candidates">
              <p id={`${panelId}-cand`} className="muted">
                Several actions match. Which one?
              </p>
              <ul aria-labelledby={`${panelId}-cand`} className="chips">
                {candidates.map((c) => (
                  <li key={c.action_id}>
                    <button type="button" className="chip" onClick={() => pick(c)}>
                      {c.label}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {suggestions.length > 0 && candidates.length === 0 && (
            <ul aria-label="Actions" className="suggestions">
              {suggestions.map((s) => (
                <li key={s.action_id}>
                  <button type="button" onClick={() => pick(s)}>
                    <span>{s.label}</span>
                    <span className="muted">
                      {lensLabel(s.domain)}
                      {s.variant === "SIGNED" ? " · signed" : ""}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {results.length > 0 && (
            <ul aria-label="Records" className="results">
              {results.map((r) => (
                <li key={`${r.entity_type}:${r.entity_id}`}>
                  <Link to={entityPath(r.entity_type, r.entity_id)} onClick={() => setQuery("")}>
                    <span className="title">{r.title}</span>
                    <span className="muted">
                      {lensLabel(r.lens)}
                      {r.subtitle ? ` · ${r.subtitle}` : ""}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {answers && !busy && suggestions.length === 0 && candidates.length === 0 && results.length === 0 && (
            <p className="muted">Nothing matches “{answers.query}”. Try fewer or other words.</p>
          )}
      </div>
    </div>
  );
}
