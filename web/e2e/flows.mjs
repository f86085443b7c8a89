// The flows the web app must keep working end to end, against a real demo server: a crew
// member's request, the captain's approval, a signed work order and the ops dashboard.
// Each flow is a function of (step, ctx); ctx.state carries what one flow made for the next
// (the unique names), so a later flow says plainly when the one it builds on failed.
// Form fields are found by role and accessible name: a required field's " *" is aria-hidden,
// so its name is the registry's label alone (getByLabel would read the mark as well).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_PIN, dialog, openApp, openLens, region, signIn, signOut } from "./app.mjs";
import { assertNone, expectText, waitUntil } from "./harness.mjs";
import { runCli } from "./server.mjs";

const YACHT_NAME = "M/Y Celeste";
const CREW = "crew@celeste.demo";
const CAPTAIN = "captain@celeste.demo";
const MANAGER = "manager@celeste.demo";
const HEALTH_WORDS = /^(healthy|degraded|unhealthy|inconclusive|disabled)\b/;
const RECENT = /^(just now|\d+ min ago)$/;

function needs(value, what) {
  if (!value) throw new Error(`needs ${what}, which an earlier flow did not make`);
  return value;
}

/** A board column by its heading "<Status> (N)". */
function column(page, status) {
  return region(page, new RegExp(`^${status} \\(\\d+\\)$`));
}

/** Follows a record's link (named by its title) and waits for its page's heading. */
async function openRecordPage(page, linkScope, title) {
  await linkScope.getByRole("link", { name: title, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: title, exact: true }).waitFor();
}

/** 1. Crew adds to the shopping list from search. */
export async function crewAddsToShoppingList(step, { page, baseUrl, state }) {
  const partName = `E2E impeller ${Date.now()}`;
  await step("the sign-in page lists the demo accounts", async () => {
    await openApp(page, baseUrl);
    await page.getByRole("heading", { name: "Demo accounts" }).waitFor();
  });
  await step("sign in as crew; the header shows the role", () => signIn(page, baseUrl, CREW, "crew"));
  await step('search "add to shopping list" and pick the action', async () => {
    await page.getByRole("combobox", { name: "Search" }).fill("add to shopping list");
    const suggestion = page
      .getByRole("list", { name: "Actions" })
      .getByRole("button", { name: /^Add to shopping list\b/ });
    await suggestion.click();
    await dialog(page, "Add to shopping list").waitFor();
  });
  await step("fill and send the request", async () => {
    const form = dialog(page, "Add to shopping list");
    await form.getByRole("textbox", { name: "Part name", exact: true }).fill(partName);
    await form.getByRole("spinbutton", { name: "Quantity", exact: true }).fill("2");
    await form.getByRole("combobox", { name: "Source", exact: true }).selectOption("manual_add");
    await form.getByRole("button", { name: "Add to shopping list", exact: true }).click();
    await form.waitFor({ state: "hidden" });
  });
  state.partName = partName;
  await step("the shopping list shows it under Requested", async () => {
    await openLens(page, "Shopping list");
    await column(page, "Requested").getByRole("article", { name: partName, exact: true }).waitFor();
  });
}

/** 2. Crew never sees approve. */
export async function crewNeverSeesApprove(step, { page, baseUrl, state }) {
  const partName = needs(state.partName, "the request of flow 1");
  await step("the shopping list board, as crew", async () => {
    await signIn(page, baseUrl, CREW, "crew", { keep: true });
    await openLens(page, "Shopping list");
    await page.getByRole("article", { name: partName, exact: true }).waitFor();
    // The toolbar's own action shows the registry has answered for this role.
    await page.getByRole("button", { name: "Add to shopping list", exact: true }).waitFor();
  });
  await step("no approve or reject button on the board", async () => {
    await assertNone(page.getByRole("button", { name: "Approve request" }), "Approve request buttons on the board");
    await assertNone(page.getByRole("button", { name: "Reject request" }), "Reject request buttons on the board");
  });
  await step("the item's page offers no approve", async () => {
    await openRecordPage(page, page.getByRole("article", { name: partName, exact: true }), partName);
    const actions = region(page, "Actions");
    await actions.getByRole("button").first().waitFor();
    await region(page, "Audit trail").getByRole("listitem").first().waitFor();
    await assertNone(actions.getByRole("button", { name: "Approve request" }), "Approve request in the item's Actions");
    await assertNone(page.getByRole("button", { name: "Approve request" }), "Approve request on the item's page");
    await step.screenshot("item page as crew");
  });
  await step("sign out", () => signOut(page));
}

/** 3. Captain approves; state and timeline update. */
export async function captainApproves(step, { page, baseUrl, state }) {
  const partName = needs(state.partName, "the request of flow 1");
  await step("sign in as captain and open the shopping list", async () => {
    await signIn(page, baseUrl, CAPTAIN, "captain");
    await openLens(page, "Shopping list");
  });
  await step("approve the request from its card", async () => {
    const card = column(page, "Requested").getByRole("article", { name: partName, exact: true });
    await card.getByRole("button", { name: "Approve request", exact: true }).click();
    const form = dialog(page, "Approve request");
    await form.waitFor();
    const quantity = form.getByRole("spinbutton", { name: "Approved quantity", exact: true });
    const prefilled = await quantity.inputValue();
    if (prefilled !== "2") throw new Error(`"Approved quantity" is prefilled with "${prefilled}", not the 2 requested`);
    await form.getByRole("button", { name: "Approve request", exact: true }).click();
    await form.waitFor({ state: "hidden" });
  });
  await step("the card moves to Approved", async () => {
    await column(page, "Approved").getByRole("article", { name: partName, exact: true }).waitFor();
    await assertNone(column(page, "Requested").getByRole("article", { name: partName, exact: true }), "the card under Requested");
  });
  await step("its page shows approved, the move in History and the approval in the Audit trail", async () => {
    await openRecordPage(page, column(page, "Approved"), partName);
    await page.getByText(/^Status:\s*approved$/).waitFor();
    const history = region(page, "History");
    await history
      .getByRole("listitem")
      .filter({ hasText: /requested\s*→\s*to\s+approved/ })
      .filter({ hasText: /\(captain\)/ })
      .waitFor();
    await region(page, "Audit trail")
      .getByRole("listitem")
      .filter({ hasText: /^Approve request\b/ })
      .filter({ hasText: /\(captain\)/ })
      .waitFor();
  });
}

/** 4. A fault becomes a signed work order with the captain's PIN; a wrong PIN shows the error. */
export async function faultToSignedWorkOrder(step, { page, baseUrl }) {
  const stamp = Date.now();
  const faultTitle = `E2E bilge alarm ${stamp}`;
  const orderTitle = `E2E replace bilge float switch ${stamp}`;
  await step("sign in as crew and report a fault", async () => {
    await signIn(page, baseUrl, CREW, "crew");
    await openLens(page, "Faults");
    await page.getByRole("button", { name: "Report fault", exact: true }).click();
    const form = dialog(page, "Report fault");
    await form.waitFor();
    await form.getByRole("textbox", { name: "What is wrong", exact: true }).fill(faultTitle);
    await form.getByRole("combobox", { name: "Severity", exact: true }).selectOption("medium");
    await form.getByRole("textbox", { name: "Description", exact: true }).fill("Forward bilge alarm sounds with a dry bilge.");
    await form.getByRole("button", { name: "Report fault", exact: true }).click();
    await form.waitFor({ state: "hidden" });
  });
  await step("open the fault's page from the list", () => openRecordPage(page, page.getByRole("main"), faultTitle));
  const signed = dialog(page, "Raise work order for fault (signed)");
  await step("raise a work order and continue to the signature", async () => {
    await region(page, "Actions").getByRole("button", { name: "Raise work order for fault (signed)", exact: true }).click();
    await signed.waitFor();
    await signed.getByRole("textbox", { name: "Work order title", exact: true }).fill(orderTitle);
    await signed.getByRole("button", { name: "Continue to signature", exact: true }).click();
    await signed.getByLabel("PIN", { exact: true }).waitFor();
  });
  await step("the captain signs with a wrong PIN: the error shows, the dialog stays", async () => {
    const signer = signed.getByRole("combobox", { name: "Signer", exact: true });
    // The other members arrive after the step opens (GET /v1/members).
    const captain = await waitUntil("the captain among the signers", async () => {
      const options = await signer
        .locator("option")
        .evaluateAll((els) => els.map((o) => ({ value: o.value, text: o.textContent ?? "" })));
      const found = options.find((o) => /captain/i.test(o.text) && !/\(you\)/.test(o.text));
      return { ok: !!found, value: found, seen: options.map((o) => o.text) };
    });
    await signer.selectOption(captain.value);
    await signed.getByLabel("PIN", { exact: true }).fill("9999");
    await signed.getByRole("button", { name: "Sign and submit", exact: true }).click();
    await expectText(signed.getByRole("alert"), /wrong PIN/i, "an alert saying wrong PIN");
    await signed.getByRole("button", { name: "Sign and submit", exact: true }).waitFor();
    await step.screenshot("wrong PIN");
  });
  await step("the right PIN signs it and the dialog closes", async () => {
    await signed.getByLabel("PIN", { exact: true }).fill(DEMO_PIN);
    await signed.getByRole("button", { name: "Sign and submit", exact: true }).click();
    await signed.waitFor({ state: "hidden" });
  });
  await step("the work order is listed in Work orders", async () => {
    await openLens(page, "Work orders");
    await page.getByRole("main").getByRole("link", { name: orderTitle, exact: true }).waitFor();
  });
  await step("its Audit trail shows the captain's signature", async () => {
    await openRecordPage(page, page.getByRole("main"), orderTitle);
    await region(page, "Audit trail")
      .getByRole("listitem")
      .filter({ hasText: /^Raise work order for fault \(signed\)/ })
      .filter({ hasText: /Signed by captain \(M\/Y Celeste\) as captain/ })
      .waitFor();
  });
}

/** The yacht id of M/Y Celeste, as the manager's own /v1/me answers it. */
async function demoYachtId(baseUrl, token) {
  const res = await fetch(`${baseUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /v1/me answered ${res.status}`);
  const me = await res.json();
  const membership = me.memberships.find((m) => m.yacht_name === YACHT_NAME);
  if (!membership) throw new Error(`${MANAGER} is not a member of ${YACHT_NAME}`);
  return membership.yacht_id;
}

/** 5. The ops dashboard shows health rows after `celeste monitor --once`. */
export async function opsDashboardAfterMonitor(step, { page, baseUrl, binary, env, dbUrl, artefacts }) {
  await step("celeste monitor --once records a round", async () => {
    const token = await runCli(binary, ["token", "--email", MANAGER, "--db", dbUrl], { env });
    if (token.code !== 0) throw new Error(`celeste token exited ${token.code}: ${token.stderr.trim()}`);
    const bearer = token.stdout.trim();
    const yachtId = await demoYachtId(baseUrl, bearer);
    const monitor = await runCli(
      binary,
      ["monitor", "--url", baseUrl, "--yacht", yachtId, "--token", bearer, "--once", "--db", dbUrl],
      { env },
    );
    writeFileSync(join(artefacts, "monitor.log"), `exit ${monitor.code}\n${monitor.stdout}\n${monitor.stderr}`);
    // 0: all healthy, 1: a lens is not; anything else means the monitor itself failed.
    if (monitor.code !== 0 && monitor.code !== 1) {
      throw new Error(`celeste monitor exited ${monitor.code ?? monitor.signal}: ${monitor.stderr.trim().split("\n").pop()}`);
    }
  });
  await step("sign in as manager and open Ops", async () => {
    await signIn(page, baseUrl, MANAGER, "manager");
    await page.getByRole("navigation", { name: "Lenses" }).getByRole("link", { name: "Ops", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Lens ops" }).waitFor();
  });
  await step("the Shopping list row has a status and a recent check time", async () => {
    const table = page.getByRole("table", { name: "Latest check of each lens" });
    const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Shopping list", exact: true }) });
    await row.waitFor();
    const cells = row.getByRole("cell");
    await expectText(cells.nth(0), HEALTH_WORDS, "a health status word");
    await expectText(cells.nth(3), RECENT, 'a last-checked time ("just now" or "N min ago")');
  });
  await step("its trend chart shows the last 24 h", async () => {
    await page.getByRole("button", { name: "Trend for Shopping list", exact: true }).click();
    await page.getByRole("img", { name: /^p95 over the last 24 h/ }).waitFor();
  });
}
