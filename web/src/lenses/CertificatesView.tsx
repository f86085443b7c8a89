// The certificates lens: the yacht's and crew's certificates by expiry, expired and expiring
// ones first. "Expiring" is the server's own status: within the yacht's warning window
// (list_certificates answers it as warning_days), not a number the app picks.
import { ActionButton } from "../actions/ActionHost";
import { Link, entityPath } from "../app/router";
import { statusTone } from "../app/status";
import { Badge, Empty, Loading, day } from "../app/ui";
import type { Certificate } from "./lensTypes";
import { MoreButton, usePagedList } from "./pagedList";
import "./lenses.css";

const STATUS_ORDER: Certificate["status"][] = ["expired", "expiring", "valid", "superseded"];

/** Expired, then expiring, then valid, then superseded; soonest expiry first within each (the server's order). */
export function certificatesByUrgency(certificates: Certificate[]): Certificate[] {
  return [...certificates].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
}

function daysText(days: number): string {
  if (days < 0) return `expired ${-days} ${days === -1 ? "day" : "days"} ago`;
  if (days === 0) return "last day today";
  return `${days} ${days === 1 ? "day" : "days"} left`;
}

export function CertificatesView() {
  const list = usePagedList<Certificate>("list_certificates", "certificates", { limit: 100 });
  const warningDays = typeof list.first?.warning_days === "number" ? list.first.warning_days : undefined;
  return (
    <div className="lens-view">
      <div className="lens-toolbar">
        <ActionButton actionId="add_certificate" className="button primary" />
      </div>
      <Loading load={list}>
        {(certificates) =>
          certificates.length === 0 ? (
            <Empty>No certificates recorded yet. Add the yacht's and the crew's certificates to be warned before they expire.</Empty>
          ) : (
            <ul className="list lens-rows">
              {certificatesByUrgency(certificates).map((c) => (
                <CertificateRow key={c.id} certificate={c} warningDays={warningDays} />
              ))}
            </ul>
          )
        }
      </Loading>
      <MoreButton list={list} label="Load more certificates" />
    </div>
  );
}

function CertificateRow({ certificate: c, warningDays }: { certificate: Certificate; warningDays?: number }) {
  const live = c.status === "expired" || c.status === "expiring";
  return (
    <li className={`card lens-row cert-${c.status}`}>
      <div className="lens-row-main">
        <Link to={entityPath("certificate", c.id)} className="lens-row-title">
          {c.certificate_type}
        </Link>
        {c.status === "expired" && <Badge tone={statusTone(c.status)}>Expired</Badge>}
        {c.status === "expiring" && (
          <Badge tone={statusTone(c.status)}>{warningDays === undefined ? "Expiring" : `Expiring within ${warningDays} days`}</Badge>
        )}
        {c.status === "superseded" && <Badge tone={statusTone(c.status)}>Superseded</Badge>}
      </div>
      <p className="lens-meta">
        <span>
          Expires {day(c.expiry_date)}
          {c.status !== "superseded" && ` (${daysText(c.days_to_expiry)})`}
        </span>
        <span className="muted">
          {c.number} · {c.issuing_authority}
          {c.holder_name && ` · ${c.holder_name}`}
        </span>
      </p>
      {live && (
        <div className="lens-actions">
          <ActionButton actionId="renew_certificate_with_approval" prefill={{ certificate_id: c.id }} />
        </div>
      )}
    </li>
  );
}
