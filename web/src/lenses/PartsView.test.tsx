// The parts list against a scripted server: stock badges, the low-stock filter and search sent
// as list_parts' own fields, and the per-part actions the registry offers.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { PartsView } from "./PartsView";
import { CREW_ACTIONS, HOD_ACTIONS, executed, readAnswer } from "../actions/testRegistry";

function part(id: string, name: string, on_hand: number, min_level: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name,
    part_number: null,
    manufacturer: null,
    unit: "pcs",
    min_level,
    location: null,
    created_at: "2026-11-20T08:00:00.000000Z",
    created_by: TEST_USER.id,
    on_hand,
    ...overrides,
  };
}

const FILTER = part("0193b000-0000-7000-8000-000000000001", "Fuel filter element", 2, 6, {
  part_number: "RAC-2040",
  manufacturer: "Racor",
  location: "Engine room store, shelf B2",
});
const IMPELLER = part("0193b000-0000-7000-8000-000000000002", "Raw water impeller", 0, 2, { part_number: "JAB-1210" });
const OIL = part("0193b000-0000-7000-8000-000000000003", "Engine oil 15W-40", 40, 20, { unit: "l" });

function payloadOf(r: Recorded): Record<string, unknown> {
  return (r.body as { payload: Record<string, unknown> }).payload;
}

function server() {
  return new FakeServer().on("EXECUTE list_parts", (r) => {
    const p = payloadOf(r);
    const parts = p.low_stock_only ? [FILTER, IMPELLER] : p.q === "impeller" ? [IMPELLER] : [FILTER, IMPELLER, OIL];
    return readAnswer("list_parts", { parts, next_cursor: null });
  });
}

function renderAs(s: FakeServer, role: "captain" | "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<PartsView />, makeSession(s, { membership: membership(role), actions }));
}

function row(name: string): HTMLElement {
  return screen.getByRole("link", { name }).closest("li") as HTMLElement;
}

test("shows stock against the minimum with low and out-of-stock badges", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("link", { name: "Fuel filter element" });
  expect(within(row("Fuel filter element")).getByText("Low stock")).toHaveClass("badge", "badge-warn");
  expect(row("Fuel filter element")).toHaveTextContent("On hand 2 pcs · minimum 6 pcs");
  expect(row("Fuel filter element")).toHaveTextContent("Engine room store, shelf B2");
  expect(within(row("Raw water impeller")).getByText("Out of stock")).toHaveClass("badge-bad");
  expect(within(row("Raw water impeller")).queryByText("Low stock")).not.toBeInTheDocument();
  expect(row("Engine oil 15W-40").querySelector(".badge")).toBeNull();
  expect(row("Engine oil 15W-40")).toHaveTextContent("On hand 40 l · minimum 20 l");
  expect(screen.getByRole("link", { name: "Fuel filter element" })).toHaveAttribute("href", `/entity/part/${FILTER.id}`);
});

test("asks the server for low stock only when the toggle is on", async () => {
  const s = server();
  renderAs(s, "crew");
  await screen.findByRole("link", { name: "Engine oil 15W-40" });
  await userEvent.click(screen.getByRole("checkbox", { name: "Low stock only" }));
  await screen.findByText("Low stock");
  expect(screen.queryByRole("link", { name: "Engine oil 15W-40" })).not.toBeInTheDocument();
  expect(payloadOf(s.executed("list_parts").at(-1)!)).toEqual({ limit: 100, low_stock_only: true });
});

test("searches with list_parts' q", async () => {
  const s = server();
  renderAs(s, "crew");
  await screen.findByRole("link", { name: "Engine oil 15W-40" });
  await userEvent.type(screen.getByRole("searchbox", { name: "Search parts" }), "impeller{Enter}");
  expect(await screen.findByRole("link", { name: "Raw water impeller" })).toBeInTheDocument();
  expect(screen.queryByRole("link", { name: "Fuel filter element" })).not.toBeInTheDocument();
  expect(payloadOf(s.executed("list_parts").at(-1)!)).toEqual({ limit: 100, q: "impeller" });
});

test("offers the registry's part actions each role may initiate", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("link", { name: "Fuel filter element" });
  const crewRow = within(row("Fuel filter element"));
  expect(crewRow.getByRole("button", { name: "Receive stock" })).toBeInTheDocument();
  expect(crewRow.getByRole("button", { name: "Use stock" })).toBeInTheDocument();
  expect(crewRow.getByRole("button", { name: "Add to shopping list" })).toBeInTheDocument();
  expect(crewRow.queryByRole("button", { name: "Adjust stock (stock-take)" })).not.toBeInTheDocument();
  expect(crewRow.queryByRole("button", { name: "View part" })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Add part to catalog" })).not.toBeInTheDocument();
});

test("a head of department may also adjust stock and add parts", async () => {
  renderAs(server(), "captain");
  await screen.findByRole("link", { name: "Fuel filter element" });
  expect(within(row("Fuel filter element")).getByRole("button", { name: "Adjust stock (stock-take)" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Add part to catalog" })).toBeInTheDocument();
});

test("adds a low part to the shopping list with its catalog details", async () => {
  const s = server().on("EXECUTE create_shopping_list_item", () => ({
    status: 201,
    json: { success: true, action: "create_shopping_list_item", entity_id: "x", result: {}, audit_id: "a", request_id: "r" },
  }));
  renderAs(s, "crew");
  await screen.findByRole("link", { name: "Fuel filter element" });
  await userEvent.click(within(row("Fuel filter element")).getByRole("button", { name: "Add to shopping list" }));
  const dialog = screen.getByRole("dialog", { name: "Add to shopping list" });
  await userEvent.type(within(dialog).getByRole("spinbutton", { name: "Quantity" }), "4");
  await userEvent.click(within(dialog).getByRole("button", { name: "Add to shopping list" }));
  expect(s.executed("create_shopping_list_item")[0].body).toMatchObject({
    payload: {
      part_id: FILTER.id,
      part_name: "Fuel filter element",
      part_number: "RAC-2040",
      manufacturer: "Racor",
      unit: "pcs",
      source_type: "low_stock",
      quantity_requested: 4,
    },
  });
});

test("each Receive stock dialog books with its own key, and a retry in one dialog reuses its key", async () => {
  let answered = 0;
  const s = server().on("EXECUTE receive_part", () => {
    answered += 1;
    if (answered === 1) throw new TypeError("Failed to fetch"); // the first answer is lost
    return { status: 201, json: executed("receive_part", FILTER.id) };
  });
  renderAs(s, "crew");
  const user = userEvent.setup();
  await screen.findByRole("link", { name: "Fuel filter element" });
  async function receive(quantity: string, tries: number) {
    await user.click(within(row("Fuel filter element")).getByRole("button", { name: "Receive stock" }));
    const dialog = screen.getByRole("dialog", { name: "Receive stock" });
    await user.type(within(dialog).getByRole("spinbutton", { name: "Quantity" }), quantity);
    for (let i = 0; i < tries; i += 1) await user.click(within(dialog).getByRole("button", { name: "Receive stock" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  }
  await receive("3", 2);
  await receive("1", 1);
  const keys = s.executed("receive_part").map((r) => (r.body as { payload: { idempotency_key: string } }).payload.idempotency_key);
  expect(keys).toHaveLength(3);
  expect(keys[1]).toBe(keys[0]);
  expect(keys[2]).not.toBe(keys[0]);
  expect(keys.every((k) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(k))).toBe(true);
  expect(s.executed("receive_part")[0].body).toMatchObject({ payload: { part_id: FILTER.id, quantity: 3 } });
});

test("receiving stock reloads the list with the new stock level", async () => {
  let onHand = FILTER.on_hand;
  const s = new FakeServer()
    .on("EXECUTE list_parts", () => readAnswer("list_parts", { parts: [{ ...FILTER, on_hand: onHand }], next_cursor: null }))
    .on("EXECUTE receive_part", (r) => {
      onHand += (r.body as { payload: { quantity: number } }).payload.quantity;
      return { status: 201, json: executed("receive_part", FILTER.id, { part_id: FILTER.id, on_hand: onHand }) };
    });
  renderAs(s, "crew");
  const user = userEvent.setup();
  await screen.findByRole("link", { name: "Fuel filter element" });
  await user.click(within(row("Fuel filter element")).getByRole("button", { name: "Receive stock" }));
  const dialog = screen.getByRole("dialog", { name: "Receive stock" });
  await user.type(within(dialog).getByRole("spinbutton", { name: "Quantity" }), "10");
  await user.click(within(dialog).getByRole("button", { name: "Receive stock" }));
  await waitFor(() => expect(row("Fuel filter element")).toHaveTextContent("On hand 12 pcs"));
  expect(s.executed("list_parts")).toHaveLength(2);
  expect(within(row("Fuel filter element")).queryByText("Low stock")).not.toBeInTheDocument();
});

test("a part without a minimum is never low, but says when none is on hand", async () => {
  const spare = part("0193b000-0000-7000-8000-000000000004", "Spare gasket", 0, 0);
  const s = new FakeServer().on("EXECUTE list_parts", () => readAnswer("list_parts", { parts: [spare], next_cursor: null }));
  renderAs(s, "crew");
  await screen.findByRole("link", { name: "Spare gasket" });
  expect(within(row("Spare gasket")).getByText("None on hand")).toHaveClass("badge", "badge-muted");
  expect(within(row("Spare gasket")).queryByText(/Low stock|Out of stock/)).not.toBeInTheDocument();
});

test("says what to do when nothing is low", async () => {
  const s = new FakeServer().on("EXECUTE list_parts", () => readAnswer("list_parts", { parts: [], next_cursor: null }));
  renderAs(s, "crew");
  await screen.findByText(/The parts catalog is empty/);
  await userEvent.click(screen.getByRole("checkbox", { name: "Low stock only" }));
  expect(await screen.findByText("No part is at or below its minimum stock.")).toBeInTheDocument();
});
