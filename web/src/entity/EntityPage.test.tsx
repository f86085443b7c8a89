// The record page against a scripted server: fields, history, audit trail, the actions the
// registry allows, and what a missing lens or record looks like.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CREW_ACTIONS, HOD_ACTIONS, executed } from "../actions/testRegistry";
import type { ActionDef } from "../api/types";
import { FakeServer, TEST_YACHT, envelope, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { EntityPage } from "./EntityPage";
import type { HistoryEntry } from "./entityTypes";
import {
  ITEM_HISTORY,
  ITEM_ID,
  MEMBERS,
  ORDER_ID,
  PART_ID,
  RECEIVING_ID,
  SIGNED_ADJUST,
  WORK_ORDER_ID,
  auditEntry,
  item,
  part,
  purchaseOrder,
  workOrder,
} from "./testFixtures";

function itemServer(detail = item()): FakeServer {
  return new FakeServer()
    .on("EXECUTE view_shopping_list_item", () => ({ success: true, action: "view_shopping_list_item", entity_id: ITEM_ID, result: detail, request_id: "r1" }))
    .on("EXECUTE view_shopping_list_history", () => ({ success: true, action: "view_shopping_list_history", entity_id: ITEM_ID, result: ITEM_HISTORY, request_id: "r2" }))
    .on("GET /v1/audit", () => ({
      yacht_id: TEST_YACHT,
      entries: [
        auditEntry(1),
        auditEntry(2, { action: "review_shopping_list_item", actor_id: MEMBERS[1].user_id, actor_role: "captain", created_at: "2026-12-02T08:00:00.000000Z" }),
      ],
    }))
    .on("GET /v1/members", () => ({ yacht_id: TEST_YACHT, members: MEMBERS }));
}

function renderItem(server: FakeServer, role: string, actions: ActionDef[]) {
  return renderWithSession(
    <EntityPage entityType="shopping_list_item" entityId={ITEM_ID} />,
    makeSession(server, { membership: membership(role), actions }),
  );
}

test("shows the record's title, status and fields", async () => {
  renderItem(itemServer(), "captain", HOD_ACTIONS);
  expect(await screen.findByRole("heading", { level: 1, name: "Raw water impeller" })).toBeInTheDocument();
  expect(screen.getByText("under review")).toHaveClass("badge", "badge-warn");
  const details = screen.getByRole("region", { name: "Details" });
  expect(within(details).getByText("Quantity requested").nextElementSibling).toHaveTextContent("4");
  expect(within(details).getByText("Source type").nextElementSibling).toHaveTextContent("manual add");
  expect(within(details).getByText("Reviewed by").nextElementSibling).toHaveTextContent("Cara Captain");
  expect(within(details).queryByText(ITEM_ID)).not.toBeInTheDocument();
  expect(within(details).queryByText("Yacht")).not.toBeInTheDocument();
});

test("asks for the record with its id field", async () => {
  const server = itemServer();
  renderItem(server, "crew", CREW_ACTIONS);
  await screen.findByRole("heading", { level: 1, name: "Raw water impeller" });
  expect(server.executed("view_shopping_list_item")[0].body).toMatchObject({
    context: { yacht_id: TEST_YACHT },
    payload: { item_id: ITEM_ID },
  });
});

test("shows the state history oldest first, with who, role and notes", async () => {
  renderItem(itemServer(), "crew", CREW_ACTIONS);
  const history = await screen.findByRole("region", { name: "History" });
  const moves = within(history).getAllByRole("listitem");
  expect(moves).toHaveLength(2);
  expect(moves[0]).toHaveTextContent("created as requested");
  expect(moves[0]).toHaveTextContent("Casey Crew (crew)");
  expect(moves[1]).toHaveTextContent(/requested →\s*to under review/);
  expect(moves[1]).toHaveTextContent("Cara Captain (captain)");
  expect(moves[1]).toHaveTextContent("Checking the budget");
});

test("shows the audit trail with the registry's action labels", async () => {
  renderItem(itemServer(), "captain", HOD_ACTIONS);
  const audit = await screen.findByRole("region", { name: "Audit trail" });
  const rows = await within(audit).findAllByRole("listitem");
  expect(rows[0]).toHaveTextContent("Add to shopping list");
  expect(rows[1]).toHaveTextContent("Review request");
  expect(rows[1]).toHaveTextContent("by Cara Captain (captain)");
});

test("a signed audit entry names the signer and their role, not the whole hash", async () => {
  const server = new FakeServer()
    .on("EXECUTE view_part_detail", () => ({ success: true, action: "view_part_detail", entity_id: PART_ID, result: part(), request_id: "r" }))
    .on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries: [SIGNED_ADJUST] }))
    .on("GET /v1/members", () => ({ yacht_id: TEST_YACHT, members: MEMBERS }));
  renderWithSession(
    <EntityPage entityType="part" entityId={PART_ID} />,
    makeSession(server, { membership: membership("purser"), actions: HOD_ACTIONS }),
  );
  const audit = await screen.findByRole("region", { name: "Audit trail" });
  expect(await within(audit).findByText(/Signed by Cara Captain as captain/)).toBeInTheDocument();
  const hash = SIGNED_ADJUST.signature!.payload_sha256;
  expect(audit).toHaveTextContent(hash.slice(0, 12));
  expect(audit).not.toHaveTextContent(hash);
});

test("audit names fall back to short ids when the member list fails", async () => {
  const server = itemServer().on("GET /v1/members", () => envelope(500, "internal_error", "boom"));
  renderItem(server, "crew", CREW_ACTIONS);
  const audit = await screen.findByRole("region", { name: "Audit trail" });
  const rows = await within(audit).findAllByRole("listitem");
  expect(rows[1]).toHaveTextContent(`by ${MEMBERS[1].user_id.slice(0, 8)}`);
});

test("a head of department gets the actions that act on this record", async () => {
  renderItem(itemServer(), "captain", HOD_ACTIONS);
  const actions = await screen.findByRole("region", { name: "Actions" });
  for (const name of ["Review request", "Approve request", "Change request"]) {
    expect(within(actions).getByRole("button", { name })).toBeInTheDocument();
  }
  // An action whose id field names another type, or has none, is not offered here.
  expect(within(actions).queryByRole("button", { name: "Adjust stock (stock-take)" })).not.toBeInTheDocument();
  expect(within(actions).queryByRole("button", { name: "Add to shopping list" })).not.toBeInTheDocument();
});

test("an action button acts on this record: its id prefilled and sent as the context", async () => {
  const server = itemServer().on("EXECUTE review_shopping_list_item", () => ({
    status: 200,
    json: { success: true, action: "review_shopping_list_item", entity_id: ITEM_ID, result: item(), audit_id: "a", request_id: "r" },
  }));
  renderItem(server, "captain", HOD_ACTIONS);
  const actions = await screen.findByRole("region", { name: "Actions" });
  await userEvent.click(within(actions).getByRole("button", { name: "Review request" }));
  const dialog = await screen.findByRole("dialog", { name: "Review request" });
  await userEvent.click(within(dialog).getByRole("button", { name: "Review request" }));
  await waitFor(() => expect(server.executed("review_shopping_list_item")).toHaveLength(1));
  expect(server.executed("review_shopping_list_item")[0].body).toMatchObject({
    context: { yacht_id: TEST_YACHT, entity_id: ITEM_ID },
    payload: { item_id: ITEM_ID },
  });
});

test("a crew member never sees approve or review", async () => {
  renderItem(itemServer(), "crew", CREW_ACTIONS);
  const actions = await screen.findByRole("region", { name: "Actions" });
  expect(within(actions).getByRole("button", { name: "Change request" })).toBeInTheDocument();
  expect(within(actions).queryByRole("button", { name: "Approve request" })).not.toBeInTheDocument();
  expect(within(actions).queryByRole("button", { name: "Review request" })).not.toBeInTheDocument();
});

test("a lens that is off says so and asks nothing", async () => {
  const server = itemServer();
  renderWithSession(
    <EntityPage entityType="fault" entityId={ITEM_ID} />,
    makeSession(server, { actions: CREW_ACTIONS.filter((a) => a.domain !== "faults") }),
  );
  expect(screen.getByText("This lens is not available on this yacht.")).toBeInTheDocument();
  expect(server.requests.filter((r) => r.path === "/v1/actions/execute")).toHaveLength(0);
});

test("an unknown record says it was not found", async () => {
  const server = itemServer().on("EXECUTE view_shopping_list_item", () =>
    envelope(404, "not_found", `no shopping list item ${ITEM_ID}`, { field: "item_id" }),
  );
  renderItem(server, "crew", CREW_ACTIONS);
  expect(await screen.findByRole("heading", { level: 1, name: "Shopping list item not found" })).toBeInTheDocument();
  expect(screen.getByRole("alert")).toHaveTextContent("There is no shopping list item with this id on this yacht.");
});

test("other failures show the server's message", async () => {
  const server = itemServer().on("EXECUTE view_shopping_list_item", () =>
    envelope(503, "feature_disabled", "the shopping list lens is off", { lens: "shopping_list" }),
  );
  renderItem(server, "crew", CREW_ACTIONS);
  expect(await screen.findByRole("alert")).toHaveTextContent("the shopping list lens is off (feature_disabled)");
});

test("a part's ledger is a table and its stock level its status", async () => {
  const server = new FakeServer()
    .on("EXECUTE view_part_detail", () => ({ success: true, action: "view_part_detail", entity_id: PART_ID, result: part(), request_id: "r" }))
    .on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries: [] }))
    .on("GET /v1/members", () => ({ yacht_id: TEST_YACHT, members: MEMBERS }));
  renderWithSession(<EntityPage entityType="part" entityId={PART_ID} />, makeSession(server, { actions: CREW_ACTIONS }));
  const table = await screen.findByRole("table", { name: "Transactions" });
  expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual([
    "Quantity",
    "Type",
    "Reference",
    "Actor",
    "Actor role",
    "Created at",
  ]);
  expect(within(table).getByRole("cell", { name: "Cara Captain" })).toBeInTheDocument();
  expect(screen.getByText("low stock")).toHaveClass("badge-warn");
  expect(screen.queryByRole("region", { name: "History" })).not.toBeInTheDocument();
});

test("a work order shows its own history and links the parts consumed on it", async () => {
  const server = new FakeServer()
    .on("EXECUTE view_work_order_detail", () => ({ success: true, action: "view_work_order_detail", entity_id: WORK_ORDER_ID, result: workOrder(), request_id: "r" }))
    .on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries: [] }))
    .on("GET /v1/members", () => ({ yacht_id: TEST_YACHT, members: MEMBERS }));
  renderWithSession(
    <EntityPage entityType="work_order" entityId={WORK_ORDER_ID} />,
    makeSession(server, { actions: CREW_ACTIONS }),
  );
  const history = await screen.findByRole("region", { name: "History" });
  const moves = within(history).getAllByRole("listitem");
  expect(moves[0]).toHaveTextContent("created as planned");
  expect(moves[1]).toHaveTextContent(/planned →\s*to in progress/);
  const table = screen.getByRole("table", { name: "Parts consumed" });
  expect(within(table).getByRole("link", { name: "Fuel filter element" })).toHaveAttribute(
    "href",
    `/entity/part/${PART_ID}`,
  );
  expect(screen.getByText("Notes: none.")).toBeInTheDocument();
  expect(screen.queryByRole("table", { name: "History" })).not.toBeInTheDocument();
});

test("a purchase order's lines open their requests and its deliveries open themselves", async () => {
  const server = new FakeServer()
    .on("EXECUTE view_purchase_order", () => ({ success: true, action: "view_purchase_order", entity_id: ORDER_ID, result: purchaseOrder(), request_id: "r" }))
    .on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries: [] }))
    .on("GET /v1/members", () => ({ yacht_id: TEST_YACHT, members: MEMBERS }));
  renderWithSession(
    <EntityPage entityType="purchase_order" entityId={ORDER_ID} />,
    makeSession(server, { actions: CREW_ACTIONS }),
  );
  expect(await screen.findByRole("heading", { level: 1, name: "Purchase order to Marine Spares Ltd" })).toBeInTheDocument();
  const items = screen.getByRole("table", { name: "Items" });
  expect(within(items).getByRole("link", { name: "Raw water impeller" })).toHaveAttribute(
    "href",
    `/entity/shopping_list_item/${ITEM_ID}`,
  );
  expect(within(items).getByRole("cell", { name: "partially fulfilled" })).toBeInTheDocument();
  const receivings = screen.getByRole("table", { name: "Receivings" });
  expect(within(receivings).getByRole("link", { name: "accepted" })).toHaveAttribute(
    "href",
    `/entity/receiving/${RECEIVING_ID}`,
  );
});

test("approving on the page reloads the record, its history and its audit trail", async () => {
  let status = "under_review";
  let history: HistoryEntry[] = ITEM_HISTORY.history;
  let audit = [auditEntry(1)];
  const server = itemServer()
    .on("EXECUTE view_shopping_list_item", () => ({
      success: true,
      action: "view_shopping_list_item",
      entity_id: ITEM_ID,
      result: item({ status }),
      request_id: "r",
    }))
    .on("EXECUTE view_shopping_list_history", () => ({
      success: true,
      action: "view_shopping_list_history",
      entity_id: ITEM_ID,
      result: { item_id: ITEM_ID, history },
      request_id: "r",
    }))
    .on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries: audit }))
    .on("EXECUTE approve_shopping_list_item", () => {
      status = "approved";
      const at = "2026-12-04T10:00:00.000000Z";
      history = [...history, { from_status: "under_review", to_status: "approved", actor_id: MEMBERS[1].user_id, actor_role: "captain", at, notes: null }];
      audit = [...audit, auditEntry(2, { action: "approve_shopping_list_item", actor_id: MEMBERS[1].user_id, actor_role: "captain", created_at: at })];
      return executed("approve_shopping_list_item", ITEM_ID, item({ status }));
    });
  renderItem(server, "captain", HOD_ACTIONS);
  expect(await screen.findByText("under review")).toHaveClass("badge-warn");
  const user = userEvent.setup();
  await user.click(within(screen.getByRole("region", { name: "Actions" })).getByRole("button", { name: "Approve request" }));
  const dialog = screen.getByRole("dialog", { name: "Approve request" });
  await user.type(within(dialog).getByRole("spinbutton", { name: "Approved quantity" }), "4");
  await user.click(within(dialog).getByRole("button", { name: "Approve request" }));
  await waitFor(() => expect(screen.getByText("approved")).toHaveClass("badge", "badge-ok"));
  const moves = within(screen.getByRole("region", { name: "History" })).getAllByRole("listitem");
  expect(moves.at(-1)).toHaveTextContent(/under review →\s*to approved/);
  const audited = await within(screen.getByRole("region", { name: "Audit trail" })).findAllByRole("listitem");
  expect(audited.at(-1)).toHaveTextContent("Approve request");
  expect(server.executed("view_shopping_list_item")).toHaveLength(2);
});

test("asks for the audit trail up to the server's limit and says when that cuts it", async () => {
  const entries = Array.from({ length: 1000 }, (_, i) => auditEntry(i + 1, { id: `66666666-6666-4666-8666-${String(i + 1).padStart(12, "0")}` }));
  const server = itemServer().on("GET /v1/audit", () => ({ yacht_id: TEST_YACHT, entries }));
  renderItem(server, "crew", CREW_ACTIONS);
  const audit = await screen.findByRole("region", { name: "Audit trail" });
  expect(await within(audit).findByText("Showing the first 1,000 entries.")).toBeInTheDocument();
  const asked = server.requests.find((r) => r.path === "/v1/audit")!;
  expect(Object.fromEntries(asked.query)).toEqual({ yacht_id: TEST_YACHT, entity_id: ITEM_ID, limit: "1000" });
});

test("a short audit trail has no such note", async () => {
  renderItem(itemServer(), "crew", CREW_ACTIONS);
  const audit = await screen.findByRole("region", { name: "Audit trail" });
  await within(audit).findAllByRole("listitem");
  expect(within(audit).queryByText(/Showing the first/)).not.toBeInTheDocument();
});
