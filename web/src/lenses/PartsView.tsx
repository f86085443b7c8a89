// The parts lens: the catalog with stock on hand against each part's minimum, so the crew
// sees what runs low and can receive, use, count or order it from the row. The actions
// offered per part are the registry's parts actions that require a part_id.
import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { ActionButton } from "../actions/ActionHost";
import type { ActionDef } from "../api/types";
import { sentenceCase } from "../app/format";
import { Link, entityPath } from "../app/router";
import { stockState, statusTone } from "../app/status";
import { Badge, Empty, Loading } from "../app/ui";
import { useSession } from "../app/session";
import { present } from "./labels";
import type { Part } from "./lensTypes";
import { MoreButton, usePagedList } from "./pagedList";
import "./lenses.css";

export function PartsView() {
  const { actions } = useSession();
  const [lowOnly, setLowOnly] = useState(false);
  const [typed, setTyped] = useState("");
  const [query, setQuery] = useState("");
  const list = usePagedList<Part>(
    "list_parts",
    "parts",
    present({ limit: 100, low_stock_only: lowOnly || undefined, q: query || undefined }),
  );
  const partActions = useMemo(
    () =>
      actions.filter(
        (a) => a.domain === "parts" && a.variant !== "READ" && a.fields.some((f) => f.name === "part_id" && f.required),
      ),
    [actions],
  );

  function search(e: FormEvent) {
    e.preventDefault();
    setQuery(typed.trim());
  }

  return (
    <div className="lens-view">
      <div className="lens-toolbar">
        <form role="search" aria-label="Parts" className="lens-search" onSubmit={search}>
          <label>
            Search parts
            <input type="search" value={typed} maxLength={100} onChange={(e) => setTyped(e.target.value)} />
          </label>
          <button type="submit" className="button">
            Search
          </button>
        </form>
        <label className="lens-toggle">
          <input type="checkbox" checked={lowOnly} onChange={(e) => setLowOnly(e.target.checked)} />
          Low stock only
        </label>
        <ActionButton actionId="add_part" className="button primary" />
      </div>
      <Loading load={list}>
        {(parts) =>
          parts.length === 0 ? (
            <Empty>
              {lowOnly
                ? "No part is at or below its minimum stock."
                : query
                  ? `No part matches “${query}”. Try a part number or another word.`
                  : "The parts catalog is empty. Add a part to start tracking its stock."}
            </Empty>
          ) : (
            <ul className="list lens-rows">
              {parts.map((part) => (
                <PartRow key={part.id} part={part} actions={partActions} />
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more parts" />
    </div>
  );
}

function PartRow({ part, actions }: { part: Part; actions: ActionDef[] }) {
  const state = stockState(part);
  const unit = part.unit ? ` ${part.unit}` : "";
  return (
    <li className="card lens-row">
      <div className="lens-row-main">
        <Link to={entityPath("part", part.id)} className="lens-row-title">
          {part.name}
        </Link>
        {part.part_number && <span className="muted">{part.part_number}</span>}
        {state !== "in_stock" && <Badge tone={statusTone(state)}>{sentenceCase(state)}</Badge>}
      </div>
      <p className="lens-meta">
        <span>
          On hand {part.on_hand}
          {unit}
          {part.min_level > 0 && ` · minimum ${part.min_level}${unit}`}
        </span>
        {part.location && <span className="muted">{part.location}</span>}
      </p>
      <PartActions part={part} actions={actions} low={state === "low_stock" || state === "out_of_stock"} />
    </li>
  );
}

function PartActions({ part, actions, low }: { part: Part; actions: ActionDef[]; low: boolean }) {
  return (
    <div className="lens-actions">
      {actions.map((a) => (
        <ActionButton key={a.action_id} actionId={a.action_id} prefill={{ part_id: part.id }} />
      ))}
      <ActionButton
        actionId="create_shopping_list_item"
        prefill={present({
          part_id: part.id,
          part_name: part.name,
          part_number: part.part_number,
          manufacturer: part.manufacturer,
          unit: part.unit,
          source_type: low ? "low_stock" : "manual_add",
        })}
      />
    </div>
  );
}
