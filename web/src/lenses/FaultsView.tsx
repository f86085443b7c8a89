// The faults lens: every reported fault with its severity and where it stands, those still
// needing attention first, and the way to report a new one.
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { Badge, Empty, Loading, day } from "../app/ui";
import { sentenceCase } from "../app/format";
import { statusTone } from "../app/status";
import { levelTone } from "./labels";
import type { Fault } from "./lensTypes";
import { MoreButton, usePagedList } from "./pagedList";
import "./lenses.css";

/** The fault states in the order they are worked through (docs/api.md, faults lens). */
const STATUS_ORDER = ["open", "acknowledged", "work_ordered", "resolved", "closed"];

/** Open faults first, closed last; the server's newest-first order within each status. */
export function faultsOpenFirst(faults: Fault[]): Fault[] {
  const rank = (f: Fault) => {
    const i = STATUS_ORDER.indexOf(f.status);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  return [...faults].sort((a, b) => rank(a) - rank(b));
}

export function FaultsView() {
  const list = usePagedList<Fault>("list_faults", "faults", { limit: 100 });
  return (
    <div className="lens-view">
      <div className="lens-toolbar">
        <ActionButton actionId="report_fault" className="button primary" />
      </div>
      <Loading load={list}>
        {(faults) =>
          faults.length === 0 ? (
            <Empty>No faults reported. When something breaks or misbehaves, report it here.</Empty>
          ) : (
            <ul className="list lens-rows">
              {faultsOpenFirst(faults).map((fault) => (
                <li key={fault.id} className="card lens-row">
                  <div className="lens-row-main">
                    <Link to={entityPath("fault", fault.id)} className="lens-row-title">
                      {fault.title}
                    </Link>
                    <Badge tone={levelTone(fault.severity)}>{sentenceCase(fault.severity)} severity</Badge>
                    <Badge tone={statusTone(fault.status)}>{sentenceCase(fault.status)}</Badge>
                  </div>
                  <p className="lens-meta muted">Reported {day(fault.reported_at)}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more faults" />
    </div>
  );
}
