// The one action registry the component tests use: the server's own GET /v1/actions/list
// answers for each demo role with every lens on (src/test/registry.json, written by
// scripts/registry-snapshot.mjs and compared with a live server by the end-to-end test, so
// it cannot drift from what the server describes).
import type { ActionDef, LensInfo } from "../api/types";
import snapshot from "../test/registry.json";

interface Snapshot {
  actions: ActionDef[];
  roles: Record<string, { lenses: LensInfo[]; action_ids: string[] }>;
}

const SNAPSHOT = snapshot as unknown as Snapshot;

export const REGISTRY: readonly ActionDef[] = SNAPSHOT.actions;

/** One action of the registry by id (throws for an id the server does not have). */
export function registryAction(actionId: string): ActionDef {
  const found = REGISTRY.find((a) => a.action_id === actionId);
  if (!found) throw new Error(`no action ${actionId} in the test registry`);
  return found;
}

/** What GET /v1/actions/list answers a role with every lens on: the actions it may initiate. */
export function actionsFor(role: string): ActionDef[] {
  const answer = SNAPSHOT.roles[role];
  if (!answer) throw new Error(`no role ${role} in the test registry`);
  return answer.action_ids.map(registryAction);
}

/** The lenses that are on in the demo fleet, as GET /v1/actions/list names them. */
export const LENSES: readonly LensInfo[] = SNAPSHOT.roles.manager.lenses;

export const HOD_ACTIONS = actionsFor("captain");
export const CREW_ACTIONS = actionsFor("crew");

/** A READ action's answer as POST /v1/actions/execute sends it. */
export function readAnswer(action: string, result: Record<string, unknown>) {
  return { success: true, action, entity_id: "", result, request_id: "req-test" };
}

/** A MUTATE or SIGNED action's success answer (201 when it created a record). */
export function executed(action: string, entityId: string, result: Record<string, unknown> = {}) {
  return {
    success: true,
    action,
    entity_id: entityId,
    result,
    audit_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    request_id: "req-test",
  };
}
