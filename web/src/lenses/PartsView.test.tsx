// The parts list against a scripted server: stock badges, the low-stock filter and search sent
// as list_parts' own fields, and the per-part actions the registry offers.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { PartsView } from "./PartsView";
import { CREW_ACTIONS, HOD_ACTIONS, readAnswer } from "./testActions";

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
  await userEvent.type(within(dialog).getByRole("spinbutton", { name: /quantity_requested/ }), "4");
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

test("receives stock with a fresh idempotency key", async () => {
  const s = server().on("EXECUTE receive_part", () => ({
    status: 201,
    json: { success: true, action: "receive_part", entity_id: FILTER.id, result: {}, audit_id: "a", request_id: "r" },
  }));
  renderAs(s, "crew");
  await screen.findByRole("link", { name: "Fuel filter element" });
  await userEvent.click(within(row("Fuel filter element")).getByRole("button", { name: "Receive stock" }));
  const dialog = screen.getByRole("dialog", { name: "Receive stock" });
  await userEvent.type(within(dialog).getByRole("spinbutton", { name: /quantity/ }), "3");
  await userEvent.click(within(dialog).getByRole("button", { name: "Receive stock" }));
  const payload = (s.executed("receive_part")[0].body as { payload: Record<string, unknown> }).payload;
  expect(payload).toMatchObject({ part_id: FILTER.id, quantity: 3 });
  expect(payload.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
});

test("says what to do when nothing is low", async () => {
  const s = new FakeServer().on("EXECUTE list_parts", () => readAnswer("list_parts", { parts: [], next_cursor: null }));
  renderAs(s, "crew");
  await screen.findByText(/The parts catalog is empty/);
  await userEvent.click(screen.getByRole("checkbox", { name: "Low stock only" }));
  expect(await screen.findByText("No part is at or below its minimum stock.")).toBeInTheDocument();
});
