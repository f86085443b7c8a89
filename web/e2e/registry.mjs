// The component tests' registry (src/test/registry.json) is the server's own answer to
// GET /v1/actions/list for each demo role, with every lens on: the tests render exactly what
// the server describes. The end-to-end run compares the two (a drift fails it), and
// scripts/registry-snapshot.mjs rewrites the file from a fresh demo server.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

export const SNAPSHOT_PATH = join(dirname(fileURLToPath(import.meta.url)), "../src/test/registry.json");
const ROLES = ["crew", "chief_engineer", "chief_officer", "captain", "purser", "manager"];
const PASSWORD = "celeste-demo";

/** Each demo role's /v1/actions/list on M/Y Celeste: {role: {role, lenses, actions}}. */
export async function readServerAnswers(baseUrl) {
  const out = {};
  for (const role of ROLES) {
    const login = await fetch(`${baseUrl}/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: `${role}@celeste.demo`, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`sign-in as ${role} answered ${login.status}`);
    const { access_token: token, memberships } = await login.json();
    const yacht = memberships.find((m) => m.yacht_name === "M/Y Celeste");
    const list = await fetch(`${baseUrl}/v1/actions/list?yacht_id=${yacht.yacht_id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!list.ok) throw new Error(`/v1/actions/list as ${role} answered ${list.status}`);
    out[role] = await list.json();
  }
  return out;
}

/**
 * The answers folded into the snapshot's shape: every action described once, in registry
 * order, and per role the lenses and the ids of the actions it may initiate.
 */
export function toSnapshot(answers) {
  const actions = new Map();
  const roles = {};
  for (const role of ROLES) {
    const answer = answers[role];
    for (const a of answer.actions) actions.set(a.action_id, a);
    roles[role] = { lenses: answer.lenses, action_ids: answer.actions.map((a) => a.action_id) };
  }
  const order = answers.manager.actions.map((a) => a.action_id);
  const sorted = [...actions.values()].sort((a, b) => rank(order, a.action_id) - rank(order, b.action_id));
  return { actions: sorted, roles };
}

function rank(order, id) {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

export function readSnapshot() {
  return JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8"));
}

/** The first difference between the snapshot and the server's answers, or null when none. */
export function registryDrift(snapshot, answers) {
  const server = toSnapshot(answers);
  for (const role of ROLES) {
    if (!isDeepStrictEqual(snapshot.roles[role], server.roles[role])) {
      return `${role}: the lenses or the actions it may initiate differ from the server's`;
    }
  }
  const mine = new Map(snapshot.actions.map((a) => [a.action_id, a]));
  for (const a of server.actions) {
    if (!isDeepStrictEqual(mine.get(a.action_id), a)) return `${a.action_id} differs from the server's description`;
  }
  if (mine.size !== server.actions.length) return "the snapshot describes actions the server does not have";
  return null;
}
