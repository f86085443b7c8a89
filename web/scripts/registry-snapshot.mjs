#!/usr/bin/env node
// Rewrites src/test/registry.json, the registry the component tests use, from a fresh demo
// server: each demo role's GET /v1/actions/list. Run it after changing an action, a field or
// a lens; the end-to-end test fails until the snapshot matches the server.
//
//   node scripts/registry-snapshot.mjs      (CELESTE_BINARY: default ../build/celeste)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readServerAnswers, SNAPSHOT_PATH, toSnapshot } from "../e2e/registry.mjs";
import { startServer } from "../e2e/server.mjs";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const binary = resolve(process.env.CELESTE_BINARY ?? join(webDir, "../build/celeste"));
const tmp = mkdtempSync(join(tmpdir(), "celeste-registry-"));
try {
  const server = await startServer({
    binary,
    dbUrl: `sqlite:${join(tmp, "registry.db")}`,
    webRoot: null,
    env: { ...process.env, CELESTE_JWT_SECRET: randomBytes(36).toString("base64url") },
    logPath: join(tmp, "server.log"),
  });
  try {
    const snapshot = toSnapshot(await readServerAnswers(server.url));
    writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(snapshot, null, 2)}\n`);
    console.log(`written: ${SNAPSHOT_PATH}`);
  } finally {
    await server.stop();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
