// A small runner for the end-to-end flows: named flows made of named, timed steps, one
// PASS/FAIL line per flow, a screenshot after every flow (and of the failing page), and a
// watch on every page: an uncaught page error or an HTTP 5xx answer fails the flow it
// happened in (or the run, when it came between flows). No test framework is installed for
// browsers, and this is all the flows need.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const STEP_TIMEOUT_MS = 10_000;

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Playwright's messages carry terminal colours; the log and summary.json do not want them. */
function plain(text) {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);
}

/**
 * Polls `probe` (answering {ok, value, seen}) until ok, and returns its value; past the
 * timeout, throws `what` with the last thing seen.
 */
export async function waitUntil(what, probe, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last && last.ok) return last.value;
    if (Date.now() > deadline) {
      throw new Error(`${what} (waited ${seconds(timeoutMs)}; last seen: ${JSON.stringify(last?.seen ?? null)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the locator's visible text matches `pattern`. */
export async function expectText(locator, pattern, what) {
  return waitUntil(what ?? `text matching ${pattern}`, async () => {
    const seen = (await locator.innerText({ timeout: 1_000 }).catch(() => null))?.replace(/\s+/g, " ").trim();
    return { ok: seen != null && pattern.test(seen), seen };
  });
}

/**
 * Fails unless nothing matches the locator now. Call it once the page shows what it was
 * waiting for (the same answer that would have drawn the element).
 */
export async function assertNone(locator, what) {
  const n = await locator.count();
  if (n !== 0) throw new Error(`${what}: expected none, found ${n}`);
}

export class Runner {
  /** @param {{ artefacts: string, log?: (line: string) => void }} options */
  constructor({ artefacts, log = (line) => console.log(line) }) {
    this.artefacts = artefacts;
    this.log = log;
    this.results = [];
    this.current = null;
    this.strayProblems = [];
    this.consoleLog = join(artefacts, "browser-console.log");
    writeFileSync(this.consoleLog, "");
  }

  /** Listens to one page for the problems that fail a run, and logs its console. */
  watch(page, name) {
    const problem = (text) => {
      if (this.current) this.current.problems.push(text);
      else this.strayProblems.push(text);
      appendFileSync(this.consoleLog, `[${name}] PROBLEM ${text}\n`);
    };
    page.on("pageerror", (error) => problem(`uncaught page error: ${error.message}`));
    page.on("response", (response) => {
      const what = `HTTP ${response.status()} from ${response.request().method()} ${response.url()}`;
      if (response.status() >= 500) problem(what);
      else if (response.status() >= 400) appendFileSync(this.consoleLog, `[${name}] ${what}\n`);
    });
    page.on("console", (message) => {
      const at = message.location().url;
      appendFileSync(this.consoleLog, `[${name}] ${message.type()}: ${message.text()}${at ? ` (${at})` : ""}\n`);
    });
    page.on("requestfailed", (request) => {
      appendFileSync(
        this.consoleLog,
        `[${name}] request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})\n`,
      );
    });
  }

  /** Runs one flow on `page`; `body(step)` runs its steps. Never throws. */
  async flow(title, page, body) {
    const number = this.results.length + 1;
    const label = `${number}. ${title}`;
    const flow = { number, title, steps: [], problems: [], ok: false, ms: 0, error: null, screenshots: [] };
    this.current = flow;
    this.log(`\n▶ ${label}`);
    const started = Date.now();
    const base = `${String(number).padStart(2, "0")}-${slug(title)}`;
    const step = async (name, fn) => {
      const t0 = Date.now();
      try {
        const value = await fn();
        const ms = Date.now() - t0;
        flow.steps.push({ name, ms, ok: true });
        this.log(`   ✓ ${name} (${ms} ms)`);
        return value;
      } catch (error) {
        const ms = Date.now() - t0;
        flow.steps.push({ name, ms, ok: false });
        this.log(`   ✗ ${name} (${ms} ms)`);
        throw new Error(`step "${name}": ${plain(error instanceof Error ? error.message : String(error))}`, {
          cause: error,
        });
      }
    };
    /** A screenshot in the middle of the flow, of a page worth seeing that the flow moves on from. */
    step.screenshot = async (name) => {
      const path = await this.screenshot(page, `${base}-${slug(name)}`);
      if (path) flow.screenshots.push(path);
    };
    try {
      // A tab in the background gets its animation frames throttled, which slows every click.
      await page.bringToFront();
      await body(step);
      flow.ok = flow.problems.length === 0;
    } catch (error) {
      flow.error = error instanceof Error ? error.message : String(error);
    }
    flow.ms = Date.now() - started;
    this.current = null;
    flow.screenshots.push(await this.screenshot(page, flow.ok ? base : `${base}-FAILED`));
    for (const p of flow.problems) this.log(`   ! ${p}`);
    if (flow.error) this.log(`   ${flow.error.split("\n").join("\n   ")}`);
    this.log(`${flow.ok ? "PASS" : "FAIL"} ${label} (${seconds(flow.ms)})`);
    this.results.push(flow);
    return flow.ok;
  }

  async screenshot(page, name) {
    const path = join(this.artefacts, `${name}.png`);
    try {
      await page.screenshot({ path, fullPage: true, timeout: 5_000 });
      return path;
    } catch (error) {
      this.log(`   (no screenshot ${name}: ${error instanceof Error ? error.message : error})`);
      return null;
    }
  }

  /** Prints the summary, writes summary.json, and answers whether every flow passed. */
  finish(totalMs) {
    const passed = this.results.filter((f) => f.ok).length;
    const failed = this.results.length - passed;
    this.log("\nSummary");
    for (const f of this.results) this.log(`  ${f.ok ? "PASS" : "FAIL"} ${f.number}. ${f.title} — ${seconds(f.ms)}`);
    for (const p of this.strayProblems) this.log(`  ! between flows: ${p}`);
    const ok = failed === 0 && this.strayProblems.length === 0 && this.results.length > 0;
    this.log(`${ok ? "PASS" : "FAIL"}: ${passed} passed, ${failed} failed in ${seconds(totalMs)}; artefacts in ${this.artefacts}`);
    writeFileSync(
      join(this.artefacts, "summary.json"),
      JSON.stringify({ ok, total_ms: totalMs, flows: this.results, problems_between_flows: this.strayProblems }, null, 2),
    );
    return ok;
  }
}
