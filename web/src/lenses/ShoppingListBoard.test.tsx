// The shopping list board against a scripted server: columns by status, the card's badges and
// requester, and the review actions only for a role the registry lets review.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeServer, TEST_USER, TEST_YACHT, envelope, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { ShoppingListBoard } from "./ShoppingListBoard";
import { CREW_ACTIONS, HOD_ACTIONS, executed, readAnswer } from "../actions/testRegistry";

const CAPTAIN_ID = "55555555-5555-4555-8555-555555555555";

function item(id: string, part_name: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    yacht_id: TEST_YACHT,
    part_name,
    part_id: null,
    part_number: null,
    manufacturer: null,
    unit: "pcs",
    quantity_requested: 4,
    quantity_approved: null,
    source_type: "manual_add",
    urgency: "normal",
    required_by_date: null,
    source_work_order_id: null,
    notes: null,
    status: "requested",
    is_candidate_part: true,
    created_by: TEST_USER.id,
    created_at: "2026-12-01T09:30:00.000000Z",
    updated_at: "2026-12-01T09:30:00.000000Z",
    reviewed_by: null,
    reviewed_at: null,
    approved_by: null,
    approved_at: null,
    approval_notes: null,
    rejected_by: null,
    rejected_at: null,
    rejection_reason: null,
    rejection_notes: null,
    promoted_by: null,
    promoted_at: null,
    ...overrides,
  };
}

const ITEMS = [
  item("0193a000-0000-7000-8000-000000000001", "Raw water impeller", { urgency: "critical", required_by_date: "2026-12-10" }),
  item("0193a000-0000-7000-8000-000000000002", "Fuel filter element", { part_id: "0193a000-0000-7000-8000-0000000000f1", is_candidate_part: false }),
  item("0193a000-0000-7000-8000-000000000003", "Zinc anode", { status: "under_review", urgency: "high", created_by: CAPTAIN_ID }),
  item("0193a000-0000-7000-8000-000000000004", "V-belt", { status: "approved", quantity_approved: 2 }),
  item("0193a000-0000-7000-8000-000000000005", "Teak oil", { status: "rejected", urgency: "low" }),
];

function server(items = ITEMS) {
  return new FakeServer()
    .on("EXECUTE list_shopping_list_items", () => readAnswer("list_shopping_list_items", { items, next_cursor: null }))
    .on("GET /v1/members", () => ({
      yacht_id: TEST_YACHT,
      members: [
        { user_id: TEST_USER.id, name: TEST_USER.name, role: "crew" },
        { user_id: CAPTAIN_ID, name: "Cara Captain", role: "captain" },
      ],
    }));
}

function renderAs(s: FakeServer, role: "captain" | "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<ShoppingListBoard />, makeSession(s, { membership: membership(role), actions }));
}

function card(name: string) {
  return screen.getByRole("article", { name });
}

test("puts each request in its status's column, in the contract's order, with counts", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("article", { name: "Raw water impeller" });
  const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
  expect(headings).toEqual([
    "Requested (2)",
    "Under review (1)",
    "Approved (1)",
    "Ordered (0)",
    "Partially fulfilled (0)",
    "Fulfilled (0)",
    "Rejected (1)",
  ]);
  const requested = screen.getByRole("region", { name: "Requested (2)" });
  expect(within(requested).getAllByRole("article").map((a) => within(a).getByRole("heading").textContent)).toEqual([
    "Raw water impeller",
    "Fuel filter element",
  ]);
  expect(within(screen.getByRole("region", { name: "Under review (1)" })).getByRole("article", { name: "Zinc anode" })).toBeInTheDocument();
  expect(within(screen.getByRole("region", { name: "Rejected (1)" })).getByRole("article", { name: "Teak oil" })).toBeInTheDocument();
});

test("shows each card's quantity, urgency badge, requester and dates, linked to the request", async () => {
  renderAs(server(), "crew");
  const impeller = await screen.findByRole("article", { name: "Raw water impeller" });
  expect(within(impeller).getByText("Critical urgency")).toHaveClass("badge", "badge-bad");
  expect(within(impeller).getByText("Not in catalog")).toHaveClass("badge-muted");
  expect(impeller).toHaveTextContent("Qty 4 pcs");
  expect(await within(impeller).findByText("Requested by Casey Crew on 2026-12-01, needed by 2026-12-10")).toBeInTheDocument();
  expect(within(impeller).getByRole("link", { name: "Raw water impeller" })).toHaveAttribute(
    "href",
    "/entity/shopping_list_item/0193a000-0000-7000-8000-000000000001",
  );
  expect(within(card("Zinc anode")).getByText("High urgency")).toHaveClass("badge-warn");
  expect(card("Zinc anode")).toHaveTextContent("Requested by Cara Captain");
  expect(card("V-belt")).toHaveTextContent("Qty 4 pcs, approved 2");
  expect(within(card("Fuel filter element")).queryByText("Not in catalog")).not.toBeInTheDocument();
});

test("offers a head of department review, approve and reject on open requests only", async () => {
  renderAs(server(), "captain");
  const requested = await screen.findByRole("article", { name: "Raw water impeller" });
  expect(within(requested).getByRole("button", { name: "Review request" })).toBeInTheDocument();
  expect(within(requested).getByRole("button", { name: "Approve request" })).toBeInTheDocument();
  expect(within(requested).getByRole("button", { name: "Reject request" })).toBeInTheDocument();
  const underReview = card("Zinc anode");
  expect(within(underReview).queryByRole("button", { name: "Review request" })).not.toBeInTheDocument();
  expect(within(underReview).getByRole("button", { name: "Approve request" })).toBeInTheDocument();
  expect(within(underReview).getByRole("button", { name: "Reject request" })).toBeInTheDocument();
  for (const closed of ["V-belt", "Teak oil"]) expect(within(card(closed)).queryByRole("button")).not.toBeInTheDocument();
});

test("offers a crew member no review actions, but the registry's create action", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("article", { name: "Raw water impeller" });
  expect(screen.queryByRole("button", { name: "Approve request" })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Reject request" })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Review request" })).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Add to shopping list" })).toBeInTheDocument();
});

test("approves with the requested quantity as the approved one", async () => {
  const s = server().on("EXECUTE approve_shopping_list_item", () => ({
    status: 200,
    json: { success: true, action: "approve_shopping_list_item", entity_id: ITEMS[2].id, result: {}, audit_id: "a1", request_id: "r1" },
  }));
  renderAs(s, "captain");
  const zinc = await screen.findByRole("article", { name: "Zinc anode" });
  await userEvent.click(within(zinc).getByRole("button", { name: "Approve request" }));
  const dialog = screen.getByRole("dialog", { name: "Approve request" });
  await userEvent.click(within(dialog).getByRole("button", { name: "Approve request" }));
  expect(s.executed("approve_shopping_list_item")[0].body).toMatchObject({
    payload: { item_id: ITEMS[2].id, quantity_approved: 4 },
  });
});

test("approving a request reloads the board, which moves its card to Approved", async () => {
  let items: Record<string, unknown>[] = ITEMS;
  const s = server()
    .on("EXECUTE list_shopping_list_items", () => readAnswer("list_shopping_list_items", { items, next_cursor: null }))
    .on("EXECUTE approve_shopping_list_item", (r) => {
      const { item_id, quantity_approved } = (r.body as { payload: { item_id: string; quantity_approved: number } }).payload;
      items = items.map((i) => (i.id === item_id ? { ...i, status: "approved", quantity_approved } : i));
      return executed("approve_shopping_list_item", item_id, items.find((i) => i.id === item_id)!);
    });
  renderAs(s, "captain");
  const user = userEvent.setup();
  const zinc = await screen.findByRole("article", { name: "Zinc anode" });
  await user.click(within(zinc).getByRole("button", { name: "Approve request" }));
  const dialog = screen.getByRole("dialog", { name: "Approve request" });
  await user.click(within(dialog).getByRole("button", { name: "Approve request" }));
  const approved = await screen.findByRole("region", { name: "Approved (2)" });
  expect(within(approved).getByRole("article", { name: "Zinc anode" })).toBeInTheDocument();
  expect(screen.getByRole("region", { name: "Under review (0)" })).toBeInTheDocument();
  expect(s.executed("list_shopping_list_items")).toHaveLength(2);
});

test("says what to do when the list is empty", async () => {
  renderAs(server([]), "crew");
  expect(await screen.findByText(/Nothing is on the shopping list yet/)).toBeInTheDocument();
});

test("shows the server's refusal", async () => {
  const s = new FakeServer().on("EXECUTE list_shopping_list_items", () =>
    envelope(503, "feature_disabled", "the shopping_list lens is disabled for this yacht", { lens: "shopping_list" }),
  );
  renderAs(s, "crew");
  expect(await screen.findByRole("alert")).toHaveTextContent("the shopping_list lens is disabled for this yacht (feature_disabled)");
});

test("loads the next page when the server has one", async () => {
  const s = new FakeServer().on("EXECUTE list_shopping_list_items", (r) => {
    const cursor = (r.body as { payload: { cursor?: string } }).payload.cursor;
    return cursor === ITEMS[0].id
      ? readAnswer("list_shopping_list_items", { items: [ITEMS[1]], next_cursor: null })
      : readAnswer("list_shopping_list_items", { items: [ITEMS[0]], next_cursor: ITEMS[0].id });
  });
  renderAs(s, "crew");
  await screen.findByRole("region", { name: "Requested (1)" });
  await userEvent.click(screen.getByRole("button", { name: "Load more requests" }));
  expect(await screen.findByRole("region", { name: "Requested (2)" })).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Load more requests" })).not.toBeInTheDocument();
});
