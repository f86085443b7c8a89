// The generated action dialog against a scripted server: the controls the registry asks
// for, client checks, the execute call's exact body, the signature step and every refusal.
import { getDefaultNormalizer, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Api } from "../api/client";
import type { Fetch } from "../api/client";
import type { ActionDef, ExecuteAnswer, User } from "../api/types";
import { FakeServer, TEST_USER, TEST_YACHT, envelope, makeSession, renderWithSession } from "../test/fakeServer";
import { ActionModal } from "./ActionModal";
import { executed, registryAction } from "./testRegistry";
import { isRfc3339 } from "./validate";

const CREATE_ITEM = registryAction("create_shopping_list_item");
const ADJUST_STOCK = registryAction("adjust_stock");
const RECEIVE_PART = registryAction("receive_part");
const APPROVE_ITEM = registryAction("approve_shopping_list_item");
const RECORD_DELIVERY = registryAction("create_receiving");

const PART_ID = "5b0f6a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b";
const ITEM_ID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
const CHIEF = { user_id: "33333333-3333-4333-8333-333333333333", name: "Chris Chief", role: "chief_engineer" };

function createdItem(body: { payload: Record<string, unknown> }): ExecuteAnswer {
  return {
    success: true,
    action: "create_shopping_list_item",
    entity_id: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
    result: { id: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", status: "requested", ...body.payload },
    audit_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    request_id: "req-1",
  };
}

const ADJUSTED: ExecuteAnswer = {
  success: true,
  action: "adjust_stock",
  entity_id: PART_ID,
  result: { transaction_id: "t-1", part_id: PART_ID, type: "adjust", previous_on_hand: 4, difference: -1, on_hand: 3 },
  audit_id: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
  request_id: "req-2",
};

/** A control by its field label (the visual " *" of a required field is not part of it). */
const trimDefault = getDefaultNormalizer();
function field(label: string): HTMLElement {
  return screen.getByLabelText(label, { normalizer: (text) => trimDefault(text).replace(/\s*\*$/, "") });
}
function queryField(label: string): HTMLElement | null {
  return screen.queryByLabelText(label, { normalizer: (text) => trimDefault(text).replace(/\s*\*$/, "") });
}

function setup(
  action: ActionDef,
  options: {
    prefill?: Record<string, unknown>;
    entityId?: string;
    wrapFetch?: (fetch: Fetch) => Fetch;
    user?: User;
  } = {},
) {
  const server = new FakeServer();
  server.on("GET /v1/members", () => ({
    yacht_id: TEST_YACHT,
    members: [{ user_id: TEST_USER.id, name: TEST_USER.name, role: "crew" }, CHIEF],
  }));
  const onClose = vi.fn();
  const onDone = vi.fn();
  const refresh = vi.fn();
  const api = options.wrapFetch ? new Api("test-token", options.wrapFetch(server.fetch)) : server.api();
  const session = makeSession(server, { api, refresh, user: options.user ?? TEST_USER });
  renderWithSession(
    <ActionModal
      action={action}
      prefill={options.prefill}
      entityId={options.entityId}
      onClose={onClose}
      onDone={onDone}
    />,
    session,
  );
  return { server, onClose, onDone, refresh, user: userEvent.setup() };
}

async function fillItem(user: ReturnType<typeof userEvent.setup>) {
  await user.type(field("Part name"), "Raw water pump impeller");
  await user.type(field("Quantity"), "2");
  await user.selectOptions(field("Source"), "manual_add");
}

/** Fills the adjust_stock form and moves to its signature step. */
async function toSignature(user: ReturnType<typeof userEvent.setup>) {
  await user.type(field("Counted quantity"), "3");
  await user.type(field("Reason"), "Stock-take found one missing");
  await user.click(screen.getByRole("button", { name: "Continue to signature" }));
  await screen.findByRole("option", { name: /Chris Chief/ });
}

async function sign(user: ReturnType<typeof userEvent.setup>, signerName: RegExp, pin: string) {
  await user.selectOptions(screen.getByLabelText("Signer"), screen.getByRole("option", { name: signerName }));
  await user.type(screen.getByLabelText("PIN"), pin);
  await user.click(screen.getByRole("button", { name: "Sign and submit" }));
}

describe("the generated form", () => {
  it("is a dialog named by the action's label", () => {
    setup(CREATE_ITEM);
    const dialog = screen.getByRole("dialog", { name: "Add to shopping list" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
  });

  it("renders an enum as a select of the registry's values", () => {
    setup(CREATE_ITEM);
    const select = screen.getByRole("combobox", { name: "Source" });
    expect(select.tagName).toBe("SELECT");
    const values = within(select)
      .getAllByRole("option")
      .map((o) => (o as HTMLOptionElement).value)
      .filter(Boolean);
    expect(values).toEqual(["manual_add", "low_stock", "work_order", "fault"]);
  });

  it("renders a date field as a date input", () => {
    setup(CREATE_ITEM);
    expect(field("Required by")).toHaveAttribute("type", "date");
  });

  it("shows a prefilled entity id as a summary line, not an input, and sends it", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID }, entityId: PART_ID });
    expect(queryField("Part")).not.toBeInTheDocument();
    expect(screen.getByText("Part")).toBeInTheDocument();
    expect(screen.getByTitle(PART_ID)).toHaveTextContent(PART_ID.slice(0, 8));
    server.on("EXECUTE adjust_stock", () => ADJUSTED);
    await toSignature(user);
    await sign(user, /Chris Chief/, "2468");
    await waitFor(() => expect(server.executed("adjust_stock")).toHaveLength(1));
    const body = server.executed("adjust_stock")[0].body as { context: unknown; payload: Record<string, unknown> };
    expect(body.context).toEqual({ yacht_id: TEST_YACHT, entity_id: PART_ID });
    expect(body.payload.part_id).toBe(PART_ID);
  });

  it("starts other inputs from the prefill", () => {
    setup(CREATE_ITEM, { prefill: { part_name: "Fuel filter element", quantity_requested: 4 } });
    expect(field("Part name")).toHaveValue("Fuel filter element");
    expect(field("Quantity")).toHaveValue(4);
  });
});

describe("submitting a MUTATE action", () => {
  it("blocks the call and shows the client check's message under the field", async () => {
    const { server, user } = setup(CREATE_ITEM);
    await user.type(field("Part name"), "Impeller");
    await user.type(field("Quantity"), "0");
    await user.selectOptions(field("Source"), "manual_add");
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    const quantity = field("Quantity");
    expect(quantity).toHaveAccessibleDescription("Quantity must be more than 0.");
    expect(quantity).toHaveAttribute("aria-invalid", "true");
    expect(quantity).toHaveFocus();
    expect(server.executed("create_shopping_list_item")).toHaveLength(0);
  });

  it("sends exactly the typed payload, numbers as numbers and blanks left out, then reports done", async () => {
    const { server, user, onDone } = setup(CREATE_ITEM);
    server.on("EXECUTE create_shopping_list_item", (r) => ({
      status: 201,
      json: createdItem(r.body as { payload: Record<string, unknown> }),
    }));
    await fillItem(user);
    await user.selectOptions(field("Urgency"), "high");
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(server.executed("create_shopping_list_item")[0].body).toEqual({
      action: "create_shopping_list_item",
      context: { yacht_id: TEST_YACHT },
      payload: { part_name: "Raw water pump impeller", quantity_requested: 2, source_type: "manual_add", urgency: "high" },
    });
    expect(onDone.mock.calls[0][0]).toMatchObject({ success: true, entity_id: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a" });
  });

  it("sends the id of the record chosen in a picker, searched once", async () => {
    const { server, user } = setup(CREATE_ITEM);
    const filter = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
    server
      .on("GET /v1/search", () => ({
        yacht_id: TEST_YACHT,
        query: "fuel filter",
        terms: ["fuel", "filter"],
        count: 1,
        results: [
          { entity_type: "part", entity_id: filter, lens: "parts", title: "Fuel filter element", subtitle: "RAC-2040", score: 0.6 },
        ],
      }))
      .on("EXECUTE create_shopping_list_item", (r) => createdItem(r.body as { payload: Record<string, unknown> }));
    await user.type(screen.getByRole("combobox", { name: "Catalog part" }), "fuel filter");
    await user.click(await screen.findByRole("option", { name: /Fuel filter element/ }));
    await fillItem(user);
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    await waitFor(() => expect(server.executed("create_shopping_list_item")).toHaveLength(1));
    expect(server.executed("create_shopping_list_item")[0].body).toMatchObject({ payload: { part_id: filter } });
    expect(server.requests.filter((r) => r.path === "/v1/search")).toHaveLength(1);
  });

  it("does not search again while other fields are typed", async () => {
    const { server, user } = setup(CREATE_ITEM);
    server.on("GET /v1/search", () => ({ yacht_id: TEST_YACHT, query: "x", terms: ["x"], count: 0, results: [] }));
    await user.type(screen.getByRole("combobox", { name: "Catalog part" }), "impeller");
    await screen.findByText("Nothing matches “impeller”.");
    await user.type(field("Part name"), "Impeller");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.filter((r) => r.path === "/v1/search")).toHaveLength(1);
  });

  it("shows a server 400 naming a field next to that field", async () => {
    const { server, user, onDone } = setup(CREATE_ITEM);
    server.on("EXECUTE create_shopping_list_item", () =>
      envelope(400, "invalid_field", "'quantity_requested' must be <= 100000", { field: "quantity_requested" }),
    );
    await fillItem(user);
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    const quantity = field("Quantity");
    await waitFor(() => expect(quantity).toHaveAccessibleDescription("'quantity_requested' must be <= 100000"));
    expect(quantity).toHaveAttribute("aria-invalid", "true");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("shows any other refusal at the top as an alert with its request id", async () => {
    const { server, user, refresh } = setup(CREATE_ITEM);
    server.on("EXECUTE create_shopping_list_item", () =>
      envelope(503, "feature_disabled", "the shopping list is turned off for this yacht"),
    );
    await fillItem(user);
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("the shopping list is turned off for this yacht");
    expect(alert).toHaveTextContent("req-test");
    expect(refresh).not.toHaveBeenCalled();
  });

  it("moves focus to a field the client check refused only once its error is on it", async () => {
    const { user } = setup(CREATE_ITEM);
    await user.type(field("Part name"), "Impeller");
    await user.type(field("Quantity"), "0");
    await user.selectOptions(field("Source"), "manual_add");
    const quantity = field("Quantity");
    const atFocus: (string | null)[] = [];
    quantity.addEventListener("focus", () => atFocus.push(quantity.getAttribute("aria-invalid")));
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    expect(quantity).toHaveFocus();
    expect(atFocus).toEqual(["true"]);
    expect(quantity).toHaveAccessibleDescription("Quantity must be more than 0.");
  });

  it("reloads the views behind a refusal meaning they are stale, and keeps the dialog open", async () => {
    const { server, user, refresh, onClose } = setup(APPROVE_ITEM, { prefill: { item_id: ITEM_ID, quantity_approved: 4 } });
    server.on("EXECUTE approve_shopping_list_item", () =>
      envelope(400, "invalid_state_transition", "cannot approve a shopping list item that is rejected", {
        from: "rejected",
        to: "approved",
      }),
    );
    await user.click(screen.getByRole("button", { name: "Approve request" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("cannot approve a shopping list item that is rejected");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole("dialog", { name: "Approve request" })).toBeInTheDocument();
  });

  it("reloads the views when the record is gone", async () => {
    const { server, user, refresh } = setup(APPROVE_ITEM, { prefill: { item_id: ITEM_ID, quantity_approved: 4 } });
    server.on("EXECUTE approve_shopping_list_item", () =>
      envelope(404, "not_found", `no shopping list item ${ITEM_ID}`, { field: "item_id" }),
    );
    await user.click(screen.getByRole("button", { name: "Approve request" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(`no shopping list item ${ITEM_ID}`);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("keeps Cancel and Escape from closing while the call is out", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, user, onClose, onDone } = setup(CREATE_ITEM, {
      wrapFetch: (fetch) => async (input, init) => {
        await gate;
        return fetch(input, init);
      },
    });
    server.on("EXECUTE create_shopping_list_item", (r) => createdItem(r.body as { payload: Record<string, unknown> }));
    await fillItem(user);
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();
    field("Part name").focus();
    await user.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    release();
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
  });

  it("disables the submit button and says so while the call is out", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, user, onDone } = setup(CREATE_ITEM, {
      wrapFetch: (fetch) => async (input, init) => {
        await gate;
        return fetch(input, init);
      },
    });
    server.on("EXECUTE create_shopping_list_item", (r) => createdItem(r.body as { payload: Record<string, unknown> }));
    await fillItem(user);
    await user.click(screen.getByRole("button", { name: "Add to shopping list" }));
    expect(screen.getByRole("button", { name: "Sending…" })).toBeDisabled();
    release();
    await waitFor(() => expect(onDone).toHaveBeenCalled());
  });
});

describe("a SIGNED action", () => {
  it("sends the signature of the chosen signer with the PIN and the time of signing", async () => {
    const { server, user, onDone } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID }, entityId: PART_ID });
    server.on("EXECUTE adjust_stock", () => ADJUSTED);
    await toSignature(user);
    expect(screen.getByLabelText("Signer")).toHaveDisplayValue(/Casey Crew \(you\)/);
    await sign(user, /Chris Chief/, "2468");
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(ADJUSTED));
    const body = server.executed("adjust_stock")[0].body as {
      payload: unknown;
      signature: { signed_at: string };
    };
    expect(body.payload).toEqual({ part_id: PART_ID, new_quantity: 3, reason: "Stock-take found one missing" });
    expect(body.signature).toEqual({ signer_id: CHIEF.user_id, method: "pin", pin: "2468", signed_at: expect.any(String) });
    expect(isRfc3339(body.signature.signed_at)).toBe(true);
    expect(Math.abs(Date.parse(body.signature.signed_at) - Date.now())).toBeLessThan(60_000);
  });

  it("recaps what is about to be signed on the signature step", async () => {
    const { user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    await toSignature(user);
    expect(screen.getByText("You are signing:")).toBeInTheDocument();
    expect(screen.getByText("Counted quantity").nextElementSibling).toHaveTextContent("3");
    expect(screen.getByText("Stock-take found one missing")).toBeInTheDocument();
  });

  it("marks who may sign from the registry's signer roles", async () => {
    const { user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    await toSignature(user);
    expect(screen.getByRole("option", { name: /Chris Chief/ })).toHaveTextContent("chief engineer · may sign");
    expect(screen.getByRole("option", { name: /Casey Crew/ })).not.toHaveTextContent("may sign");
  });

  it("refuses a PIN that is not 4 to 8 digits without calling the server", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    await toSignature(user);
    await sign(user, /Chris Chief/, "12");
    expect(screen.getByLabelText("PIN")).toHaveAccessibleDescription("Enter the signer's PIN: 4 to 8 digits.");
    expect(server.executed("adjust_stock")).toHaveLength(0);
  });

  it("puts the cursor back in the PIN only once its error is on it", async () => {
    const { user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    await toSignature(user);
    const pin = screen.getByLabelText("PIN");
    const atFocus: (string | null)[] = [];
    await user.type(pin, "12");
    pin.addEventListener("focus", () => atFocus.push(pin.getAttribute("aria-invalid")));
    await user.click(screen.getByRole("button", { name: "Sign and submit" }));
    expect(pin).toHaveFocus();
    expect(atFocus).toEqual(["true"]);
  });

  it("takes the PIN hidden, as a one-time code that browsers do not save as a password", async () => {
    const { user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    await toSignature(user);
    const pin = screen.getByLabelText("PIN");
    expect(pin).toHaveAttribute("type", "password");
    expect(pin).toHaveAttribute("inputmode", "numeric");
    expect(pin).toHaveAttribute("autocomplete", "one-time-code");
    expect(pin).toHaveAttribute("spellcheck", "false");
  });

  it("says why only the caller is offered when the crew list cannot be read", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    server.on("GET /v1/members", () => envelope(503, "internal_error", "down"));
    await user.type(field("Counted quantity"), "3");
    await user.type(field("Reason"), "Stock-take found one missing");
    await user.click(screen.getByRole("button", { name: "Continue to signature" }));
    expect(await screen.findByText(/crew list could not be read/)).toBeInTheDocument();
    expect(within(screen.getByRole("combobox", { name: "Signer" })).getAllByRole("option")).toHaveLength(1);
  });

  it("lists the signed-in member once, whatever the case of their id in the crew list", async () => {
    const me: User = { id: "AB12CD34-1111-4111-8111-111111111111", email: "ana@celeste.demo", name: "Ana Bosun" };
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID }, user: me });
    server.on("GET /v1/members", () => ({
      yacht_id: TEST_YACHT,
      members: [{ user_id: me.id.toLowerCase(), name: me.name, role: "crew" }, CHIEF],
    }));
    await toSignature(user);
    expect(screen.getAllByRole("option", { name: /Ana Bosun/ })).toHaveLength(1);
  });

  it("explains invalid_signer_role with the signer's name, role and the roles needed", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE adjust_stock", () =>
      envelope(403, "invalid_signer_role", "a crew may not sign adjust_stock", { signer_role: "crew" }),
    );
    await toSignature(user);
    await sign(user, /Casey Crew/, "1234");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Casey Crew (crew) cannot sign this action. It needs: chief engineer, captain, manager.",
    );
  });

  it("says a wrong PIN is wrong, clears it and keeps the form as typed", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE adjust_stock", () => envelope(400, "invalid_signature", "wrong PIN", { field: "pin" }));
    await toSignature(user);
    await sign(user, /Chris Chief/, "9999");
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong PIN for Chris Chief. Check it and try again.");
    expect(screen.getByLabelText("PIN")).toHaveValue("");
    await user.click(screen.getByRole("button", { name: "Back to form" }));
    expect(field("Counted quantity")).toHaveValue(3);
    expect(field("Reason")).toHaveValue("Stock-take found one missing");
  });

  it("shows the server's words when the signature's time is stale", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE adjust_stock", () =>
      envelope(400, "invalid_signature", "signed_at is more than 5 minutes from the server's time", {
        field: "signed_at",
      }),
    );
    await toSignature(user);
    await sign(user, /Chris Chief/, "2468");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "signed_at is more than 5 minutes from the server's time",
    );
  });

  it("says how long a locked signer must wait, from Retry-After", async () => {
    const withRetryAfter = (fetch: Fetch): Fetch => async (input, init) => {
      const answer = await fetch(input, init);
      if (answer.status !== 429) return answer;
      const headers = new Headers(answer.headers);
      headers.set("Retry-After", "840");
      return new Response(await answer.text(), { status: 429, headers });
    };
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID }, wrapFetch: withRetryAfter });
    server.on("EXECUTE adjust_stock", () =>
      envelope(429, "signer_locked", "too many wrong PINs; this signer is locked for a while"),
    );
    await toSignature(user);
    await sign(user, /Chris Chief/, "2468");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Chris Chief is locked after too many wrong PINs. Try again in 14 minutes.",
    );
  });

  it("brings the form back with the message when the server names a field after signing", async () => {
    const { server, user } = setup(ADJUST_STOCK, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE adjust_stock", () =>
      envelope(400, "invalid_field", "'reason' must not be empty", { field: "reason" }),
    );
    await toSignature(user);
    await sign(user, /Chris Chief/, "2468");
    const reason = await screen.findByRole("textbox", { name: "Reason" });
    expect(reason).toHaveAccessibleDescription("'reason' must not be empty");
    expect(reason).toHaveFocus();
    expect(screen.queryByLabelText("PIN")).not.toBeInTheDocument();
  });
});

describe("an action with an idempotency key", () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const keyOf = (r: { body: unknown }) => (r.body as { payload: { idempotency_key: string } }).payload.idempotency_key;

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("fills the key itself, offers no input for it and keeps it when the call is retried", async () => {
    let attempts = 0;
    const { server, user, onDone } = setup(RECEIVE_PART, { prefill: { part_id: PART_ID }, entityId: PART_ID });
    server.on("EXECUTE receive_part", () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("Failed to fetch");
      return { status: 201, json: executed("receive_part", PART_ID) };
    });
    expect(queryField("Idempotency key")).not.toBeInTheDocument();
    expect(screen.queryByText("Idempotency key")).not.toBeInTheDocument();
    await user.type(field("Quantity"), "3");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server could not be reached");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    const [first, retry] = server.executed("receive_part");
    expect(keyOf(first)).toMatch(V4);
    expect(keyOf(retry)).toBe(keyOf(first));
    expect((retry.body as { payload: unknown }).payload).toEqual({ part_id: PART_ID, quantity: 3, idempotency_key: keyOf(first) });
  });

  it("takes a new key when the values change after a lost answer: a new intent, not a retry", async () => {
    let attempts = 0;
    const { server, user, onDone } = setup(RECEIVE_PART, { prefill: { part_id: PART_ID }, entityId: PART_ID });
    server.on("EXECUTE receive_part", () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("Failed to fetch");
      return { status: 201, json: executed("receive_part", PART_ID) };
    });
    await user.type(field("Quantity"), "3");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server could not be reached");
    await user.clear(field("Quantity"));
    await user.type(field("Quantity"), "5");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    const [first, second] = server.executed("receive_part");
    expect(keyOf(second)).toMatch(V4);
    expect(keyOf(second)).not.toBe(keyOf(first));
    expect((second.body as { payload: { quantity: number } }).payload.quantity).toBe(5);
  });

  it("makes the key without crypto.randomUUID, which plain-HTTP pages do not have", async () => {
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    const { server, user, onDone } = setup(RECEIVE_PART, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE receive_part", () => ({ status: 201, json: executed("receive_part", PART_ID) }));
    await user.type(field("Quantity"), "1");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(keyOf(server.executed("receive_part")[0])).toMatch(V4);
  });

  it("says a retry that finds its first attempt booked is already recorded, and reloads the views", async () => {
    const { server, user, onDone, onClose, refresh } = setup(RECEIVE_PART, { prefill: { part_id: PART_ID } });
    server.on("EXECUTE receive_part", () =>
      envelope(
        409,
        "duplicate",
        "this idempotency_key was used by an earlier stock movement; nothing was recorded again",
        { existing_id: "0193b000-0000-7000-8000-0000000000e1" },
      ),
    );
    await user.type(field("Quantity"), "3");
    await user.click(screen.getByRole("button", { name: "Receive stock" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Already recorded");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onDone).not.toHaveBeenCalled();
    const close = screen.getByRole("button", { name: "Close" });
    expect(close).toHaveFocus();
    await user.click(close);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("treats a duplicate of an action without a key as a refusal", async () => {
    const addPart = registryAction("add_part");
    const { server, user, refresh } = setup(addPart);
    server.on("EXECUTE add_part", () =>
      envelope(409, "duplicate", "the catalog already has a part with part number RAC-2040", { existing_id: PART_ID }),
    );
    await user.type(field("Part name"), "Fuel filter element");
    await user.type(field("Part number"), "RAC-2040");
    await user.click(screen.getByRole("button", { name: "Add part to catalog" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the catalog already has a part with part number RAC-2040");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});

describe("a list field", () => {
  it("starts empty when the registry's example holds stand-ins, showing it only as a placeholder", () => {
    setup(RECORD_DELIVERY);
    const lines = field("What arrived");
    expect(lines).toHaveValue("");
    expect(lines).toHaveAttribute("placeholder", '[{"part_id": "@list_parts", "quantity_received": 1}]');
  });

  it("shows the server's refusal of one item under the list", async () => {
    const { server, user } = setup(RECORD_DELIVERY);
    server.on("EXECUTE create_receiving", () =>
      envelope(400, "invalid_field", "'lines[0].quantity_received' must be > 0", { field: "lines[0].quantity_received" }),
    );
    await user.click(field("What arrived"));
    await user.paste(`[{"part_id": "${PART_ID}", "quantity_received": -2}]`);
    await user.click(screen.getByRole("button", { name: "Record delivery" }));
    const lines = field("What arrived");
    await waitFor(() => expect(lines).toHaveAccessibleDescription("A JSON list. 'lines[0].quantity_received' must be > 0"));
    expect(lines).toHaveAttribute("aria-invalid", "true");
    expect(lines).toHaveFocus();
  });
});

describe("the dialog", () => {
  it("moves focus into itself on open", () => {
    setup(CREATE_ITEM);
    expect(field("Part name")).toHaveFocus();
  });

  it("gives focus back to the control that opened it", async () => {
    const server = new FakeServer();
    function Opener() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Open
          </button>
          {open && <ActionModal action={CREATE_ITEM} onClose={() => setOpen(false)} onDone={() => setOpen(false)} />}
        </>
      );
    }
    renderWithSession(<Opener />, makeSession(server));
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(field("Part name")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open" })).toHaveFocus();
  });

  it("closes on Escape", async () => {
    const { user, onClose } = setup(CREATE_ITEM);
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("closes on Cancel", async () => {
    const { user, onClose } = setup(CREATE_ITEM);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("keeps Tab inside the dialog", async () => {
    renderWithSession(
      <>
        <ActionModal action={CREATE_ITEM} onClose={() => {}} onDone={() => {}} />
        <button type="button">Outside</button>
      </>,
      makeSession(new FakeServer()),
    );
    const user = userEvent.setup();
    const submit = screen.getByRole("button", { name: "Add to shopping list" });
    submit.focus();
    await user.tab();
    expect(field("Part name")).toHaveFocus();
    await user.tab({ shift: true });
    expect(submit).toHaveFocus();
  });
});
