// The work orders lens: all work orders, the ones assigned to me, or the overdue ones (the
// list action's own assignee and overdue filters), with overdue due dates made obvious.
import { useState } from "react";
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { Badge, Empty, Loading, day } from "../app/ui";
import { sentenceCase } from "../app/format";
import { statusTone } from "../app/status";
import { levelTone, todayUtc } from "./labels";
import type { WorkOrder } from "./lensTypes";
import { memberName, useMembers } from "../app/members";
import { MoreButton, usePagedList } from "./pagedList";
import "./lenses.css";

type Filter = "all" | "mine" | "overdue";

const FILTERS: { id: Filter; name: string; payload: Record<string, unknown>; empty: string }[] = [
  { id: "all", name: "All", payload: {}, empty: "No work orders yet. Create one for a job that needs doing." },
  { id: "mine", name: "Mine", payload: { assignee: "me" }, empty: "No work orders are assigned to you." },
  { id: "overdue", name: "Overdue", payload: { overdue: true }, empty: "Nothing is overdue." },
];

const OPEN_STATUSES = ["planned", "in_progress", "on_hold"];

/** The server's rule (list_work_orders overdue): open, with a due date before today (UTC). */
export function isOverdue(order: WorkOrder, today: string): boolean {
  return OPEN_STATUSES.includes(order.status) && order.due_date !== null && order.due_date < today;
}

export function WorkOrdersView() {
  const [filter, setFilter] = useState<Filter>("all");
  const chosen = FILTERS.find((f) => f.id === filter) ?? FILTERS[0];
  const list = usePagedList<WorkOrder>("list_work_orders", "work_orders", { limit: 100, ...chosen.payload });
  const people = useMembers();
  const today = todayUtc();
  return (
    <div className="lens-view">
      <div className="lens-toolbar">
        <div role="group" aria-label="Which work orders" className="lens-segmented">
          {FILTERS.map((f) => (
            <button key={f.id} type="button" aria-pressed={f.id === filter} onClick={() => setFilter(f.id)}>
              {f.name}
            </button>
          ))}
        </div>
        <ActionButton actionId="create_work_order" className="button primary" />
      </div>
      <Loading load={list}>
        {(orders) =>
          orders.length === 0 ? (
            <Empty>{chosen.empty}</Empty>
          ) : (
            <ul className="list lens-rows">
              {orders.map((order) => (
                <WorkOrderRow
                  key={order.id}
                  order={order}
                  overdue={isOverdue(order, today)}
                  assignee={order.assigned_to ? memberName(people, order.assigned_to) : undefined}
                />
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more work orders" />
    </div>
  );
}

function WorkOrderRow({ order, overdue, assignee }: { order: WorkOrder; overdue: boolean; assignee?: string }) {
  return (
    <li className="card lens-row">
      <div className="lens-row-main">
        <Link to={entityPath("work_order", order.id)} className="lens-row-title">
          {order.title}
        </Link>
        <Badge tone={statusTone(order.status)}>{sentenceCase(order.status)}</Badge>
        <Badge tone={levelTone(order.priority)}>{sentenceCase(order.priority)} priority</Badge>
        {overdue && <Badge tone="bad">Overdue</Badge>}
      </div>
      <p className="lens-meta">
        {order.due_date && <span className={overdue ? "lens-overdue" : undefined}>Due {day(order.due_date)}</span>}
        <span className="muted">
          {order.assigned_to ? (assignee ? `Assigned to ${assignee}` : "Assigned") : "Unassigned"}
        </span>
      </p>
    </li>
  );
}
