// One record at /entity/:type/:id: its fields, the actions the caller's role may take on it
// (derived from the registry alone), its state history and its audit trail. Everything
// reloads after a successful action (useLoad follows the session's version).
import { ApiError } from "../api/client";
import { ActionButton } from "../actions/ActionHost";
import { useSession } from "../app/session";
import { statusTone } from "../app/status";
import { useLoad } from "../app/useLoad";
import { Badge, Empty, ErrorNote, words } from "../app/ui";
import { AuditTrail } from "./AuditTrail";
import { EntityFields } from "./EntityFields";
import { ENTITY_TYPES, applicableActions } from "./entityTypes";
import type { Detail, EntityTypeDef, HistoryEntry } from "./entityTypes";
import { useMembers } from "../app/members";
import type { People } from "../app/members";
import { Timeline } from "./Timeline";
import "./entity.css";

export function EntityPage({ entityType, entityId }: { entityType: string; entityId: string }) {
  const { actions, loaded } = useSession();
  const def = ENTITY_TYPES[entityType];
  if (!def) return <Empty>There is no kind of record called “{words(entityType)}”.</Empty>;
  if (!loaded) return <p className="loading">Loading…</p>;
  if (!actions.some((a) => a.action_id === def.detailAction)) {
    return <Empty>This lens is not available on this yacht.</Empty>;
  }
  return <EntityView key={`${entityType}/${entityId}`} def={def} entityId={entityId} />;
}

function EntityView({ def, entityId }: { def: EntityTypeDef; entityId: string }) {
  const { api, yachtId } = useSession();
  const people = useMembers();
  const detail = useLoad(
    () => api.read<Detail>(yachtId, def.detailAction, { [def.idField]: entityId }),
    [api, yachtId, def, entityId],
  );
  if (detail.error instanceof ApiError && detail.error.errorCode === "not_found") {
    return (
      <section className="entity-page" aria-labelledby="entity-title">
        <h1 id="entity-title">{def.label} not found</h1>
        <p role="alert">
          There is no {def.label.toLowerCase()} with this id on this yacht. It may have been removed, or the
          link may be for another yacht.
        </p>
      </section>
    );
  }
  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <p className="loading">Loading…</p>;
  return <EntityContent def={def} entityId={entityId} detail={detail.data} people={people} />;
}

function EntityContent({ def, entityId, detail, people }: {
  def: EntityTypeDef;
  entityId: string;
  detail: Detail;
  people: People;
}) {
  const status = def.status(detail);
  return (
    <article className="entity-page" aria-labelledby="entity-title">
      <header className="entity-header">
        <p className="muted entity-kind">{def.label}</p>
        <h1 id="entity-title">{def.title(detail) || def.label}</h1>
        {status && (
          <p className="entity-status">
            <span className="visually-hidden">Status: </span>
            <Badge tone={statusTone(status)}>{words(status)}</Badge>
          </p>
        )}
      </header>
      <EntityActions def={def} entityId={entityId} />
      <section className="card entity-section" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <EntityFields
          detail={detail}
          people={people}
          rowLinks={def.rowLinks}
          omit={def.history?.from === "detail" ? ["history"] : []}
        />
      </section>
      {def.history?.from === "detail" && <Timeline entries={historyOf(detail.history)} people={people} />}
      {def.history?.from === "action" && (
        <ActionHistory action={def.history.action} def={def} entityId={entityId} people={people} />
      )}
      <AuditTrail entityId={entityId} people={people} />
    </article>
  );
}

function EntityActions({ def, entityId }: { def: EntityTypeDef; entityId: string }) {
  const { actions } = useSession();
  const applicable = applicableActions(actions, def);
  if (applicable.length === 0) return null;
  return (
    <section className="entity-actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div className="entity-action-buttons">
        {applicable.map(({ action, field }) => (
          <ActionButton
            key={action.action_id}
            actionId={action.action_id}
            prefill={{ [field]: entityId }}
            entityId={entityId}
            className={action.variant === "SIGNED" ? "button primary" : "button"}
          />
        ))}
      </div>
    </section>
  );
}

function historyOf(value: unknown): HistoryEntry[] {
  return Array.isArray(value) ? (value as HistoryEntry[]) : [];
}

/** The history a READ action of its own answers ({history: [...]}). */
function ActionHistory({ action, def, entityId, people }: {
  action: string;
  def: EntityTypeDef;
  entityId: string;
  people: People;
}) {
  const { api, yachtId } = useSession();
  const history = useLoad(
    () => api.read<{ history: unknown }>(yachtId, action, { [def.idField]: entityId }),
    [api, yachtId, action, def, entityId],
  );
  if (history.error) {
    return (
      <section className="card entity-section" aria-labelledby="timeline-title">
        <h2 id="timeline-title">History</h2>
        <ErrorNote error={history.error} />
      </section>
    );
  }
  if (!history.data) return null;
  return <Timeline entries={historyOf(history.data.history)} people={people} />;
}
