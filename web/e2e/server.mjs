// The celeste binary for the end-to-end run: a demo server on a free port over a fresh
// SQLite file (its output kept in the artefacts), and the one-shot CLI commands the flows
// need (a token, a monitor round). Every child is started here so it can be stopped here.
import { spawn } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/** Every child still running, so that a signal or a crash can stop them all. */
const running = new Set();

function track(child) {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Stops every child started here that is still running. */
export function stopAll() {
  return Promise.all([...running].map(stopChild));
}

/**
 * Starts `celeste serve --demo` (serving `webRoot` when given) and resolves once it prints its address and GET /health
 * answers; rejects with the server's own words when it does not get there.
 */
export async function startServer({ binary, dbUrl, webRoot, env, logPath }) {
  writeFileSync(logPath, "");
  const child = track(
    spawn(binary, ["serve", "--db", dbUrl, "--listen", "127.0.0.1:0", "--demo", "--quiet", ...(webRoot ? ["--web-root", webRoot] : [])], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    appendFileSync(logPath, chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    appendFileSync(logPath, chunk);
  });
  const server = { url: null, stop: () => stopChild(child) };

  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve) => {
    const onData = () => {
      const m = /celeste listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        child.stdout.off("data", onData);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), START_TIMEOUT_MS).unref());
  const first = await Promise.race([listening, exited, timeout]);
  if (typeof first !== "string" || first === "timeout") {
    await server.stop();
    const why = first === "timeout" ? `no "celeste listening on" line within ${START_TIMEOUT_MS / 1000} s` : `exited (${JSON.stringify(first)})`;
    throw new Error(`celeste serve ${why}\n${stderr.trim().split("\n").slice(-10).join("\n")}`);
  }
  server.url = first;
  await waitForHealth(server.url).catch(async (error) => {
    await server.stop();
    throw error;
  });
  return server;
}

async function waitForHealth(url) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`GET ${url}/health never answered 200 (${last})`);
}

/** SIGTERM, then SIGKILL if the child is still there after a grace period. */
export function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Runs a one-shot celeste command; resolves with its exit code and output. */
export function runCli(binary, args, { env, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(binary, args, { env, stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`celeste ${args[0]} took more than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
