// The receiving lens against a scripted server: purchase orders and deliveries in their own
// sections, linked to their records, and the create actions by role.
import { screen, within } from "@testing-library/react";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { ReceivingView } from "./ReceivingView";
import { CREW_ACTIONS, HOD_ACTIONS, readAnswer } from "../actions/testRegistry";

const PO_ID = "0193c000-0000-7000-8000-000000000001";
const PO_NO_REF = "0193c000-0000-7000-8000-0000000000a2";
const DELIVERY_ID = "0193c000-0000-7000-8000-000000000101";

function order(id: string, reference: string | null, status: string, expected_date: string | null) {
  return {
    id,
    supplier: "Marine Parts Ltd",
    reference,
    status,
    expected_date,
    notes: null,
    created_by: TEST_USER.id,
    created_at: "2026-11-28T10:00:00.000000Z",
    updated_at: "2026-11-28T10:00:00.000000Z",
    cancelled_by: null,
    cancelled_at: null,
    cancel_reason: null,
  };
}

const DELIVERY = {
  id: DELIVERY_ID,
  purchase_order_id: PO_ID,
  status: "draft",
  reference: "DN-5521",
  notes: null,
  created_by: TEST_USER.id,
  created_at: "2026-12-03T14:20:00.000000Z",
  updated_at: "2026-12-03T14:20:00.000000Z",
  accepted_by: null,
  accepted_role: null,
  accepted_at: null,
  rejected_by: null,
  rejected_at: null,
  rejection_reason: null,
};

function server(receivings: unknown[] = [DELIVERY]) {
  return new FakeServer()
    .on("EXECUTE list_purchase_orders", () =>
      readAnswer("list_purchase_orders", {
        purchase_orders: [order(PO_ID, "PO-2026-014", "partially_received", "2026-12-05"), order(PO_NO_REF, null, "ordered", null)],
        next_cursor: null,
      }),
    )
    .on("EXECUTE list_receivings", () => readAnswer("list_receivings", { receivings, next_cursor: null }));
}

function renderAs(s: FakeServer, role: "captain" | "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<ReceivingView />, makeSession(s, { membership: membership(role), actions }));
}

test("lists purchase orders with supplier, status and expected date", async () => {
  renderAs(server(), "crew");
  const orders = screen.getByRole("region", { name: "Purchase orders" });
  const link = await within(orders).findByRole("link", { name: "PO-2026-014" });
  expect(link).toHaveAttribute("href", `/entity/purchase_order/${PO_ID}`);
  const row = link.closest("li") as HTMLElement;
  expect(row).toHaveTextContent("Marine Parts Ltd");
  expect(row).toHaveTextContent("Expected 2026-12-05");
  expect(within(row).getByText("Partially received")).toHaveClass("badge", "badge-warn");
  expect(within(orders).getByRole("link", { name: "PO 0193c000…" })).toHaveAttribute("href", `/entity/purchase_order/${PO_NO_REF}`);
});

test("lists deliveries linked to their record and their purchase order", async () => {
  renderAs(server(), "crew");
  const deliveries = screen.getByRole("region", { name: "Deliveries" });
  const link = await within(deliveries).findByRole("link", { name: "DN-5521" });
  expect(link).toHaveAttribute("href", `/entity/receiving/${DELIVERY_ID}`);
  const row = link.closest("li") as HTMLElement;
  expect(within(row).getByText("Draft")).toHaveClass("badge-warn");
  expect(row).toHaveTextContent("Recorded 2026-12-03");
  expect(await within(row).findByRole("link", { name: "PO-2026-014" })).toHaveAttribute("href", `/entity/purchase_order/${PO_ID}`);
});

test("offers creating a purchase order to a head of department and recording a delivery to all", async () => {
  renderAs(server(), "captain");
  await screen.findByRole("link", { name: "DN-5521" });
  expect(screen.getByRole("button", { name: "Create purchase order" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Record delivery" })).toBeInTheDocument();
});

test("a crew member may record a delivery but not order", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("link", { name: "DN-5521" });
  expect(screen.queryByRole("button", { name: "Create purchase order" })).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Record delivery" })).toBeInTheDocument();
});

test("says what to do when nothing has been delivered", async () => {
  renderAs(server([]), "crew");
  expect(await screen.findByText(/No deliveries recorded yet/)).toBeInTheDocument();
});
