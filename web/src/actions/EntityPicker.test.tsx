// Picking the record a uuid field names, from each kind of source, by mouse and keyboard.
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FieldDef, SearchAnswer } from "../api/types";
import { FakeServer, TEST_YACHT, envelope, makeSession, renderWithSession } from "../test/fakeServer";
import { EntityPicker, entitySource } from "./EntityPicker";

const FUEL_FILTER = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const OIL_FILTER = "1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e";

const SEARCH: SearchAnswer = {
  yacht_id: TEST_YACHT,
  query: "filter",
  terms: ["filter"],
  count: 3,
  results: [
    { entity_type: "part", entity_id: FUEL_FILTER, lens: "parts", title: "Fuel filter element", subtitle: "RAC-2040", score: 0.61 },
    {
      entity_type: "work_order",
      entity_id: "2c3d4e5f-6a7b-4c8d-8e9f-0a1b2c3d4e5f",
      lens: "work_orders",
      title: "Replace fuel filter",
      subtitle: "open · high",
      score: 0.55,
    },
    { entity_type: "part", entity_id: OIL_FILTER, lens: "parts", title: "Oil filter", subtitle: "LF-3000", score: 0.4 },
  ],
};

const purchaseOrder = (id: string, supplier: string, reference: string | null) => ({
  id,
  supplier,
  reference,
  status: "ordered",
  expected_date: "2026-12-20",
  notes: null,
  created_by: "44444444-4444-4444-8444-444444444444",
  created_at: "2026-12-01T09:00:00.000000Z",
  updated_at: "2026-12-01T09:00:00.000000Z",
  cancelled_by: null,
  cancelled_at: null,
  cancel_reason: null,
});

const receiving = (id: string, reference: string | null) => ({
  id,
  purchase_order_id: null,
  status: "draft",
  reference,
  notes: null,
  created_by: "44444444-4444-4444-8444-444444444444",
  created_at: "2026-12-04T15:30:00.000000Z",
  updated_at: "2026-12-04T15:30:00.000000Z",
  accepted_by: null,
  accepted_role: null,
  accepted_at: null,
  rejected_by: null,
  rejected_at: null,
  rejection_reason: null,
});

function pick(references: string, label: string, server: FakeServer, onParentKey = vi.fn()) {
  const field: FieldDef = { name: "target_id", type: "uuid", required: true, label, references };
  const onChange = vi.fn();
  renderWithSession(
    <div onKeyDown={onParentKey}>
      <label htmlFor="target">{label}</label>
      <EntityPicker
        inputId="target"
        field={field}
        source={entitySource(references)!}
        value=""
        onChange={onChange}
        invalid={false}
      />
    </div>,
    makeSession(server),
  );
  return { onChange, onParentKey, user: userEvent.setup(), input: screen.getByRole("combobox", { name: label }) };
}

describe("entitySource", () => {
  it("has no source for a missing or unknown reference, so the id is typed", () => {
    expect(entitySource(undefined)).toBeUndefined();
    expect(entitySource("yacht")).toBeUndefined();
  });
});

describe("EntityPicker", () => {
  it("searches once the typing pauses and offers only records of its own type", async () => {
    const server = new FakeServer().on("GET /v1/search", () => SEARCH);
    const { user, input } = pick("part", "Catalog part", server);
    await user.type(input, "filter");
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["Fuel filter element RAC-2040", "Oil filter LF-3000"]);
    const searches = server.requests.filter((r) => r.path === "/v1/search");
    expect(searches).toHaveLength(1);
    expect(searches[0].query.get("q")).toBe("filter");
    expect(searches[0].query.get("yacht_id")).toBe(TEST_YACHT);
  });

  it("chooses with the arrow keys and Enter, and shows the chosen record's title", async () => {
    const server = new FakeServer().on("GET /v1/search", () => SEARCH);
    const { user, input, onChange } = pick("part", "Catalog part", server);
    await user.type(input, "filter");
    await screen.findAllByRole("option");
    await user.keyboard("{ArrowDown}{Enter}");
    expect(onChange).toHaveBeenLastCalledWith(OIL_FILTER);
    expect(input).toHaveValue("Oil filter");
    expect(input).toHaveAccessibleDescription("Chosen: Oil filter · LF-3000");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
  });

  it("closes the list on Escape without letting the key reach the dialog", async () => {
    const server = new FakeServer().on("GET /v1/search", () => SEARCH);
    const { user, input, onParentKey } = pick("part", "Catalog part", server);
    await user.type(input, "filter");
    await screen.findByRole("listbox");
    onParentKey.mockClear();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    expect(onParentKey).not.toHaveBeenCalled();
  });

  it("clears the chosen id when the text is edited again", async () => {
    const server = new FakeServer().on("GET /v1/search", () => SEARCH);
    const { user, input, onChange } = pick("part", "Catalog part", server);
    await user.type(input, "filter");
    await user.click((await screen.findAllByRole("option"))[0]);
    expect(onChange).toHaveBeenLastCalledWith(FUEL_FILTER);
    await user.type(input, "x");
    expect(onChange).toHaveBeenLastCalledWith("");
  });

  it("finds users among the yacht's members by name", async () => {
    const server = new FakeServer().on("GET /v1/members", () => ({
      yacht_id: TEST_YACHT,
      members: [
        { user_id: "33333333-3333-4333-8333-333333333333", name: "Chris Chief", role: "chief_engineer" },
        { user_id: "55555555-5555-4555-8555-555555555555", name: "Dana Deck", role: "crew" },
      ],
    }));
    const { user, input, onChange } = pick("user", "Assign to", server);
    await user.type(input, "dana");
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["Dana Deck crew"]);
    await user.keyboard("{Enter}");
    expect(onChange).toHaveBeenLastCalledWith("55555555-5555-4555-8555-555555555555");
  });

  it("finds purchase orders in list_purchase_orders, filtered as typed", async () => {
    const server = new FakeServer().on("EXECUTE list_purchase_orders", () => ({
      success: true,
      action: "list_purchase_orders",
      result: {
        purchase_orders: [
          purchaseOrder("66666666-6666-4666-8666-666666666666", "Marine Parts Ltd", "PO-1042"),
          purchaseOrder("77777777-7777-4777-8777-777777777777", "Antibes Chandlery", null),
        ],
        next_cursor: null,
      },
      request_id: "req-po",
    }));
    const { user, input } = pick("purchase_order", "Purchase order", server);
    await user.type(input, "antibes");
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["Antibes Chandlery ordered · expected 2026-12-20"]);
    expect(server.executed("list_purchase_orders")[0].body).toMatchObject({ payload: { limit: 200 } });
  });

  it("finds deliveries in list_receivings, by reference or date", async () => {
    const server = new FakeServer().on("EXECUTE list_receivings", () => ({
      success: true,
      action: "list_receivings",
      result: {
        receivings: [
          receiving("88888888-8888-4888-8888-888888888888", "DN-5531"),
          receiving("99999999-9999-4999-8999-999999999999", null),
        ],
        next_cursor: null,
      },
      request_id: "req-rc",
    }));
    const { user, input } = pick("receiving", "Delivery", server);
    await user.type(input, "2026-12-04");
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "DN-5531 draft · 2026-12-04",
      "Delivery of 2026-12-04 draft · 2026-12-04",
    ]);
  });

  it("says what went wrong when the list cannot be read", async () => {
    const server = new FakeServer().on("EXECUTE list_receivings", () =>
      envelope(503, "feature_disabled", "the receiving lens is turned off for this yacht"),
    );
    const { user, input } = pick("receiving", "Delivery", server);
    await user.type(input, "dn");
    await waitFor(() =>
      expect(input).toHaveAccessibleDescription("the receiving lens is turned off for this yacht"),
    );
  });
});
