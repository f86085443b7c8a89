// The shopping list lens: every request on a board, one column per status in the contract's
// order (CONTRACT §7), so a head of department sees what waits for review or approval and can
// act on the card itself. The registry decides who sees which action button.
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { Badge, Empty, Loading, day } from "../app/ui";
import { sentenceCase } from "../app/format";
import { levelTone } from "./labels";
import type { ShoppingListItem } from "./lensTypes";
import { memberName, useMembers } from "../app/members";
import { MoreButton, usePagedList } from "./pagedList";
import "./lenses.css";

/** CONTRACT §7's states, in the order an item moves through them. */
export const SHOPPING_LIST_STATUSES = [
  "requested",
  "under_review",
  "approved",
  "ordered",
  "partially_fulfilled",
  "fulfilled",
  "rejected",
] as const;

export function ShoppingListBoard() {
  const list = usePagedList<ShoppingListItem>("list_shopping_list_items", "items", { limit: 200 });
  return (
    <div className="lens-view">
      <div className="lens-toolbar">
        <ActionButton
          actionId="create_shopping_list_item"
          className="button primary"
          prefill={{ source_type: "manual_add" }}
        />
      </div>
      <Loading load={list}>
        {(items) =>
          items.length === 0 ? (
            <Empty>Nothing is on the shopping list yet. Add a request for a part you need.</Empty>
          ) : (
            <Board items={items} />
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more requests" />
    </div>
  );
}

function Board({ items }: { items: ShoppingListItem[] }) {
  const people = useMembers();
  return (
    <div className="sl-board">
      {SHOPPING_LIST_STATUSES.map((status) => {
        const column = items.filter((item) => item.status === status);
        const headingId = `sl-column-${status}`;
        return (
          <section key={status} className="sl-column" aria-labelledby={headingId} data-status={status}>
            <h2 id={headingId}>
              {sentenceCase(status)} ({column.length})
            </h2>
            {column.length === 0 ? (
              <p className="muted">None</p>
            ) : (
              column.map((item) => <ItemCard key={item.id} item={item} requester={memberName(people, item.created_by)} />)
            )}
          </section>
        );
      })}
    </div>
  );
}

function ItemCard({ item, requester }: { item: ShoppingListItem; requester?: string }) {
  const titleId = `sl-item-${item.id}`;
  const approvedOther = item.quantity_approved !== null && item.quantity_approved !== item.quantity_requested;
  return (
    <article className="card sl-card" aria-labelledby={titleId}>
      <h3 id={titleId}>
        <Link to={entityPath("shopping_list_item", item.id)}>{item.part_name}</Link>
      </h3>
      <p className="lens-meta">
        <span>
          Qty {item.quantity_requested}
          {item.unit ? ` ${item.unit}` : ""}
          {approvedOther && `, approved ${item.quantity_approved}`}
        </span>
        <Badge tone={levelTone(item.urgency)}>{sentenceCase(item.urgency)} urgency</Badge>
        {item.is_candidate_part && <Badge tone="muted">Not in catalog</Badge>}
      </p>
      <p className="muted">
        Requested {requester ? `by ${requester} ` : ""}on {day(item.created_at)}
        {item.required_by_date && `, needed by ${day(item.required_by_date)}`}
      </p>
      <ReviewActions item={item} />
    </article>
  );
}

/** The HOD's moves from an open request: review (from requested only), approve, reject. */
function ReviewActions({ item }: { item: ShoppingListItem }) {
  if (item.status !== "requested" && item.status !== "under_review") return null;
  return (
    <div className="lens-actions">
      {item.status === "requested" && (
        <ActionButton actionId="review_shopping_list_item" prefill={{ item_id: item.id }} />
      )}
      <ActionButton
        actionId="approve_shopping_list_item"
        prefill={{ item_id: item.id, quantity_approved: item.quantity_requested }}
      />
      <ActionButton actionId="reject_shopping_list_item" prefill={{ item_id: item.id }} />
    </div>
  );
}
