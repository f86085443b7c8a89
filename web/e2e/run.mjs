// The end-to-end test of the web app: a real `celeste serve --demo` serving the built app
// (web/dist), driven in Debian's Chromium through playwright-core, through the flows in
// flows.mjs. Run it with `npx vite build && node e2e/run.mjs` from web/.
//
// Environment:
//   CELESTE_BINARY         the celeste binary (default ../build/celeste from web/)
//   CELESTE_WEB_ROOT       the built app (default web/dist)
//   CELESTE_E2E_ARTIFACTS  where screenshots and logs go (default web/test-results/e2e)
//   CELESTE_E2E_CHROMIUM   the Chromium to drive (default /usr/bin/chromium)
// Exit code: 0 when every flow passed, 1 when one failed, 2 when the setup is missing.
import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import {
  captainApproves,
  crewAddsToShoppingList,
  crewNeverSeesApprove,
  faultToSignedWorkOrder,
  opsDashboardAfterMonitor,
} from "./flows.mjs";
import { Runner } from "./harness.mjs";
import { readServerAnswers, readSnapshot, registryDrift } from "./registry.mjs";
import { startServer, stopAll } from "./server.mjs";

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** What this runner writes into the artefacts folder; a rerun clears only these. */
const OWN_ARTEFACT = /^(\d\d-.*\.png|server\.log|monitor\.log|browser-console\.log|summary\.json)$/;

class SetupError extends Error {}

/** Set by SIGINT, SIGTERM or SIGHUP: the run is being stopped, its failures are not news. */
let interrupted = false;

function config() {
  const fromEnv = (name, fallback) => (process.env[name] ? resolve(process.env[name]) : fallback);
  return {
    binary: fromEnv("CELESTE_BINARY", resolve(WEB_DIR, "../build/celeste")),
    webRoot: fromEnv("CELESTE_WEB_ROOT", join(WEB_DIR, "dist")),
    artefacts: fromEnv("CELESTE_E2E_ARTIFACTS", join(WEB_DIR, "test-results/e2e")),
    chromium: fromEnv("CELESTE_E2E_CHROMIUM", "/usr/bin/chromium"),
  };
}

function checkSetup({ binary, webRoot, chromium: browser }) {
  const executable = (path, what, hint) => {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new SetupError(`${what} is missing or not executable at ${path}. ${hint}`);
    }
  };
  executable(binary, "The celeste binary", "Build it (make build) or set CELESTE_BINARY.");
  if (!existsSync(join(webRoot, "index.html"))) {
    throw new SetupError(`No built web app at ${webRoot} (no index.html). Run \`npx vite build\` in web/ or set CELESTE_WEB_ROOT.`);
  }
  executable(browser, "Chromium", "Install Debian's chromium package or set CELESTE_E2E_CHROMIUM.");
}

function prepareArtefacts(dir) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (OWN_ARTEFACT.test(name)) rmSync(join(dir, name), { force: true });
}

async function main() {
  const started = Date.now();
  const cfg = config();
  checkSetup(cfg);
  prepareArtefacts(cfg.artefacts);

  const tmp = mkdtempSync(join(tmpdir(), "celeste-e2e-"));
  /** The browser's launch, once started: a signal during it must wait for it, then close it. */
  let launching = null;
  let stopping = null;
  /** Once only, whoever asks first: the browser (so its profile is closed), the server, the temp dir. */
  const cleanup = () =>
    (stopping ??= (async () => {
      const browser = await launching?.catch(() => null);
      await browser?.close().catch(() => {});
      await stopAll();
      rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    })());
  const onSignal = (signal) => {
    interrupted = true;
    console.error(`\n${signal}: stopping the browser and the server`);
    void cleanup().finally(() => process.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, onSignal);
  // After a signal, the flows still running fail on the closed browser: nobody needs to read that.
  const log = (line) => {
    if (!interrupted) console.log(line);
  };

  try {
    const env = { ...process.env, CELESTE_JWT_SECRET: randomBytes(36).toString("base64url") };
    const dbUrl = `sqlite:${join(tmp, "e2e.db")}`;
    const server = await startServer({
      binary: cfg.binary,
      dbUrl,
      webRoot: cfg.webRoot,
      env,
      logPath: join(cfg.artefacts, "server.log"),
    }).catch((error) => {
      throw new SetupError(error.message);
    });
    if (interrupted) return 1;
    launching = chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
      executablePath: cfg.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: PHONE,
      // On a signal the runner closes the browser itself, before it removes the profile.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const browser = await launching.catch((error) => {
      throw new SetupError(`Chromium did not start: ${error.message}`);
    });
    log(`celeste e2e: ${server.url} (db ${dbUrl}), Chromium ${browser.browser()?.version() ?? ""}`);
    log(`artefacts: ${cfg.artefacts}`);

    const runner = new Runner({ artefacts: cfg.artefacts, log });
    const phone = browser.pages()[0] ?? (await browser.newPage());
    runner.watch(phone, "phone");
    const desktop = await browser.newPage();
    await desktop.setViewportSize(DESKTOP);
    runner.watch(desktop, "desktop");
    for (const page of [phone, desktop]) page.setDefaultTimeout(10_000);

    const shared = { baseUrl: server.url, binary: cfg.binary, env, dbUrl, artefacts: cfg.artefacts, state: {} };
    await runner.flow("The component tests' registry is the server's", phone, (step) =>
      step("compare src/test/registry.json with each role's /v1/actions/list", async () => {
        const drift = registryDrift(readSnapshot(), await readServerAnswers(server.url));
        if (drift) throw new Error(`${drift}; rewrite it: node web/scripts/registry-snapshot.mjs`);
      }),
    );
    const crew = { ...shared, page: phone };
    await runner.flow("Crew adds to the shopping list from search", phone, (step) => crewAddsToShoppingList(step, crew));
    await runner.flow("Crew never sees approve", phone, (step) => crewNeverSeesApprove(step, crew));
    await runner.flow("Captain approves; state and timeline update", phone, (step) => captainApproves(step, crew));
    await runner.flow("A fault becomes a signed work order; a wrong PIN shows the error", phone, (step) =>
      faultToSignedWorkOrder(step, crew),
    );
    await runner.flow("The ops dashboard shows health rows after celeste monitor --once", desktop, (step) =>
      opsDashboardAfterMonitor(step, { ...shared, page: desktop }),
    );
    return runner.finish(Date.now() - started) ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(interrupted ? 1 : code),
  (error) => {
    if (interrupted) return; // the signal handler exits once everything is stopped
    if (error instanceof SetupError) {
      console.error(`celeste e2e: setup failed: ${error.message}`);
      process.exit(2);
    }
    console.error(`celeste e2e: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
