// The audit log's rows for one record, oldest first (GET /v1/audit). A SIGNED action's row
// says who signed and in which role; the payload hash is shortened, never the whole digest.
// The server answers at most `limit` rows, oldest first (200 unless asked): the app asks for
// its maximum so the action just taken is there, and says so when even that cuts the list.
import type { AuditEntry } from "../api/types";
import { useSession } from "../app/session";
import { useLoad } from "../app/useLoad";
import { Badge, Loading, when, words } from "../app/ui";
import { personName } from "../app/members";
import type { People } from "../app/members";

/** The server's largest page of audit rows (api/action_routes.cc kMaxAuditLimit). */
const AUDIT_LIMIT = 1000;

export function AuditTrail({ entityId, people }: { entityId: string; people: People }) {
  const { api, yachtId } = useSession();
  const load = useLoad(() => {
    const query = new URLSearchParams({ yacht_id: yachtId, entity_id: entityId, limit: String(AUDIT_LIMIT) });
    return api.request<{ yacht_id: string; entries: AuditEntry[] }>("GET", `/v1/audit?${query}`);
  }, [api, yachtId, entityId]);
  return (
    <section className="card entity-section" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      <Loading load={load}>
        {(answer) =>
          answer.entries.length === 0 ? (
            <p className="muted">No audited actions yet.</p>
          ) : (
            <>
              {answer.entries.length >= AUDIT_LIMIT && (
                <p className="muted">Showing the first {AUDIT_LIMIT.toLocaleString("en")} entries.</p>
              )}
              <ol className="audit-trail">
                {[...answer.entries]
                  .sort((a, b) => a.seq - b.seq)
                  .map((entry) => (
                    <AuditRow key={entry.id} entry={entry} people={people} />
                  ))}
              </ol>
            </>
          )
        }
      </Loading>
    </section>
  );
}

function AuditRow({ entry, people }: { entry: AuditEntry; people: People }) {
  const { actions } = useSession();
  const label = actions.find((a) => a.action_id === entry.action)?.label ?? words(entry.action);
  // Unsigned rows carry null (or, for document uploads, an empty object).
  const signature = entry.signature?.signer_id ? entry.signature : null;
  return (
    <li className={signature ? "audit-signed" : undefined}>
      <p>
        <strong>{label}</strong>{" "}
        <span className="muted">
          by {personName(people, entry.actor_id)} ({words(entry.actor_role)}) ·{" "}
          <time dateTime={entry.created_at}>{when(entry.created_at)}</time>
        </span>
      </p>
      {signature && (
        <p className="audit-signature">
          <Badge tone="info">Signed</Badge> Signed by {personName(people, signature.signer_id)} as{" "}
          {words(signature.role_at_signing)} · <time dateTime={signature.signed_at}>{when(signature.signed_at)}</time>
          {signature.reason ? <> · “{signature.reason}”</> : null}{" "}
          <span className="muted" title="SHA-256 of the signed payload (first 12 characters)">
            payload {signature.payload_sha256.slice(0, 12)}…
          </span>
        </p>
      )}
    </li>
  );
}
