// Choosing the record a uuid field names (its registry `references`) by typing part of its
// name instead of pasting an id: a combobox over the search index, the yacht's members, or a
// lens's own list (purchase orders, deliveries), filtered as the crew member types.
import { useCallback, useEffect, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import type { Api } from "../api/client";
import type { FieldDef } from "../api/types";
import { useSession } from "../app/session";
import { day, words } from "../app/ui";
import "./actions.css";

export interface EntityOption {
  id: string;
  title: string;
  subtitle: string;
}

/** Where the options of one `references` come from. */
export type EntitySource =
  | { kind: "search"; entityType: string }
  | { kind: "list"; load: (api: Api, yachtId: string) => Promise<EntityOption[]> };

const DEBOUNCE_MS = 200;
/** GET /v1/search answers at most 50; the picker keeps those of its own type. */
const SEARCH_LIMIT = 50;
/** A list READ action's largest page (PageSize: 1..200). */
const LIST_LIMIT = 200;

/** Entity types GET /v1/search indexes (docs/api.md, "Search"). */
const SEARCHABLE = new Set(["part", "equipment", "fault", "work_order", "certificate", "shopping_list_item"]);

interface PurchaseOrderRow {
  id: string;
  supplier: string;
  reference: string | null;
  status: string;
  expected_date: string | null;
}

interface ReceivingRow {
  id: string;
  reference: string | null;
  status: string;
  created_at: string;
}

const LISTS: Record<string, (api: Api, yachtId: string) => Promise<EntityOption[]>> = {
  user: async (api, yachtId) =>
    (await api.members(yachtId)).members.map((m) => ({ id: m.user_id, title: m.name, subtitle: words(m.role) })),
  purchase_order: async (api, yachtId) => {
    const { purchase_orders } = await api.read<{ purchase_orders: PurchaseOrderRow[] }>(
      yachtId,
      "list_purchase_orders",
      { limit: LIST_LIMIT },
    );
    return purchase_orders.map((o) => ({
      id: o.id,
      title: o.supplier,
      subtitle: [o.reference, words(o.status), o.expected_date && `expected ${o.expected_date}`]
        .filter(Boolean)
        .join(" · "),
    }));
  },
  receiving: async (api, yachtId) => {
    const { receivings } = await api.read<{ receivings: ReceivingRow[] }>(yachtId, "list_receivings", {
      limit: LIST_LIMIT,
    });
    return receivings.map((r) => ({
      id: r.id,
      title: r.reference ?? `Delivery of ${day(r.created_at)}`,
      subtitle: `${words(r.status)} · ${day(r.created_at)}`,
    }));
  },
};

/** One source object per reference, so a picker's search does not restart on every render. */
const SOURCES = new Map<string, EntitySource>([
  ...[...SEARCHABLE].map((entityType): [string, EntitySource] => [entityType, { kind: "search", entityType }]),
  ...Object.entries(LISTS).map(([name, load]): [string, EntitySource] => [name, { kind: "list", load }]),
]);

/** The picker's source for a field's `references`, or undefined when the id is typed by hand. */
export function entitySource(references: string | undefined): EntitySource | undefined {
  return references ? SOURCES.get(references) : undefined;
}

/** Options whose title, subtitle or id hold every typed word. */
function matching(options: EntityOption[], query: string): EntityOption[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  return options.filter((o) => {
    const text = `${o.title} ${o.subtitle} ${o.id}`.toLowerCase();
    return terms.every((t) => text.includes(t));
  });
}

type Status = { kind: "idle" } | { kind: "loading" } | { kind: "done" } | { kind: "error"; message: string };

export function EntityPicker({
  inputId,
  field,
  source,
  value,
  onChange,
  describedBy,
  invalid,
}: {
  inputId: string;
  field: FieldDef;
  source: EntitySource;
  value: string;
  onChange: (id: string) => void;
  /** Ids of the field's error text, added to the picker's own status. */
  describedBy?: string;
  invalid: boolean;
}) {
  const { api, yachtId } = useSession();
  const [query, setQuery] = useState(value);
  const [chosen, setChosen] = useState<EntityOption | null>(null);
  const [options, setOptions] = useState<EntityOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const list = useRef<Promise<EntityOption[]> | null>(null);

  const find = useCallback(
    async (q: string): Promise<EntityOption[]> => {
      if (source.kind === "search") {
        const answer = await api.search(yachtId, q, SEARCH_LIMIT);
        return answer.results
          .filter((r) => r.entity_type === source.entityType)
          .map((r) => ({ id: r.entity_id, title: r.title, subtitle: r.subtitle }));
      }
      list.current ??= source.load(api, yachtId);
      try {
        return matching(await list.current, q);
      } catch (e) {
        list.current = null; // try again on the next keystroke
        throw e;
      }
    },
    [api, yachtId, source],
  );

  const q = query.trim();
  useEffect(() => {
    if (!q || chosen) return;
    let live = true;
    const timer = setTimeout(() => {
      setStatus({ kind: "loading" });
      find(q).then(
        (found) => {
          if (!live) return;
          setOptions(found);
          setActive(found.length > 0 ? 0 : -1);
          setStatus({ kind: "done" });
          setOpen(true);
        },
        (e: unknown) => {
          if (live) setStatus({ kind: "error", message: e instanceof Error ? e.message : "The search failed." });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, chosen, find]);

  function type(text: string) {
    setQuery(text);
    setOpen(false);
    setOptions([]);
    setStatus({ kind: "idle" });
    if (chosen || value) {
      setChosen(null);
      onChange("");
    }
  }

  function pick(option: EntityOption) {
    setChosen(option);
    setQuery(option.title);
    setOpen(false);
    onChange(option.id);
  }

  const showList = open && options.length > 0;

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" && options.length > 0) {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, options.length - 1));
    } else if (e.key === "ArrowUp" && options.length > 0) {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter" && showList) {
      e.preventDefault();
      if (options[active]) pick(options[active]);
    } else if (e.key === "Escape" && showList) {
      e.preventDefault();
      e.stopPropagation(); // closes the list, not the dialog
      setOpen(false);
    }
  }

  const listId = `${inputId}-options`;
  const statusId = `${inputId}-status`;
  const chosenId = `${inputId}-chosen`;
  const statusText =
    status.kind === "loading"
      ? "Searching…"
      : status.kind === "error"
        ? status.message
        : status.kind === "done"
          ? options.length === 0
            ? `Nothing matches “${q}”.`
            : `${options.length} found: use the arrow keys and Enter to choose.`
          : "";

  return (
    <div className="action-picker">
      <input
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        aria-required={field.required}
        aria-invalid={invalid}
        aria-describedby={[chosen ? chosenId : statusId, describedBy].filter(Boolean).join(" ")}
        placeholder="Type to search"
        value={query}
        onChange={(e) => type(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={listId} role="listbox" aria-label={field.label} className="action-picker-options" hidden={!showList}>
        {options.map((o, i) => (
          <li
            key={o.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            onMouseDown={(e) => e.preventDefault()} // keep focus in the input
            onClick={() => pick(o)}
          >
            <span className="action-picker-title">{o.title}</span>
            {o.subtitle && <span className="muted"> {o.subtitle}</span>}
          </li>
        ))}
      </ul>
      {chosen ? (
        <p id={chosenId} className="action-picker-chosen">
          Chosen: <strong>{chosen.title}</strong>
          {chosen.subtitle && ` · ${chosen.subtitle}`}
        </p>
      ) : (
        <p id={statusId} className="action-picker-status muted" aria-live="polite">
          {q ? statusText : ""}
        </p>
      )}
    </div>
  );
}
