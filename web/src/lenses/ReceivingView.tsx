// The receiving lens: what is on order (purchase orders) and what has arrived (deliveries),
// each row opening its record, where it is accepted, rejected or cancelled.
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { Badge, Empty, Loading, day } from "../app/ui";
import { sentenceCase } from "../app/format";
import { shortId } from "../app/members";
import { statusTone } from "../app/status";
import type { PurchaseOrder, Receiving } from "./lensTypes";
import { MoreButton, usePagedList } from "./pagedList";
import type { PagedList } from "./pagedList";
import "./lenses.css";

/** A record's reference, or a short form of its id when it has none. */
function named(kind: string, reference: string | null, id: string): string {
  return reference ?? `${kind} ${shortId(id)}`;
}

export function ReceivingView() {
  const orders = usePagedList<PurchaseOrder>("list_purchase_orders", "purchase_orders", { limit: 100 });
  const orderNames = new Map((orders.data ?? []).map((o) => [o.id, named("PO", o.reference, o.id)]));
  return (
    <div className="lens-view">
      <PurchaseOrders list={orders} />
      <Deliveries orderNames={orderNames} />
    </div>
  );
}

function PurchaseOrders({ list }: { list: PagedList<PurchaseOrder> }) {
  return (
    <section aria-labelledby="po-title" className="lens-section">
      <div className="lens-section-head">
        <h2 id="po-title">Purchase orders</h2>
        <ActionButton actionId="create_purchase_order" className="button primary" />
      </div>
      <Loading load={list}>
        {(orders) =>
          orders.length === 0 ? (
            <Empty>No purchase orders yet. Order approved shopping list requests from a supplier.</Empty>
          ) : (
            <ul className="list lens-rows">
              {orders.map((order) => (
                <li key={order.id} className="card lens-row">
                  <div className="lens-row-main">
                    <Link to={entityPath("purchase_order", order.id)} className="lens-row-title">
                      {named("PO", order.reference, order.id)}
                    </Link>
                    <Badge tone={statusTone(order.status)}>{sentenceCase(order.status)}</Badge>
                  </div>
                  <p className="lens-meta">
                    <span>{order.supplier}</span>
                    <span className="muted">
                      {order.expected_date ? `Expected ${day(order.expected_date)}` : "No expected date"}
                    </span>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more purchase orders" />
    </section>
  );
}

function Deliveries({ orderNames }: { orderNames: ReadonlyMap<string, string> }) {
  const list = usePagedList<Receiving>("list_receivings", "receivings", { limit: 100 });
  return (
    <section aria-labelledby="deliveries-title" className="lens-section">
      <div className="lens-section-head">
        <h2 id="deliveries-title">Deliveries</h2>
        <ActionButton actionId="create_receiving" className="button primary" />
      </div>
      <Loading load={list}>
        {(receivings) =>
          receivings.length === 0 ? (
            <Empty>No deliveries recorded yet. Record one when parts come aboard.</Empty>
          ) : (
            <ul className="list lens-rows">
              {receivings.map((r) => (
                <li key={r.id} className="card lens-row">
                  <div className="lens-row-main">
                    <Link to={entityPath("receiving", r.id)} className="lens-row-title">
                      {named("Delivery", r.reference, r.id)}
                    </Link>
                    <Badge tone={statusTone(r.status)}>{sentenceCase(r.status)}</Badge>
                  </div>
                  <p className="lens-meta">
                    <span className="muted">Recorded {day(r.created_at)}</span>
                    {r.purchase_order_id && (
                      <span>
                        Against{" "}
                        <Link to={entityPath("purchase_order", r.purchase_order_id)}>
                          {orderNames.get(r.purchase_order_id) ?? named("PO", null, r.purchase_order_id)}
                        </Link>
                      </span>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more deliveries" />
    </section>
  );
}
