// The one search box against a scripted server: what it asks (and when), how it shows
// action suggestions and records, the ambiguous and empty answers, errors, the keyboard,
// and that a slow older answer never replaces a newer one.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Api } from "../api/client";
import type { Fetch } from "../api/client";
import type { ActionDef, LensInfo, SearchAnswer, SearchResult, Suggestion, SuggestionAnswer } from "../api/types";
import { FakeServer, TEST_YACHT, envelope, makeSession, renderWithSession } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { SearchBox } from "./SearchBox";

const HOD = ["chief_engineer", "chief_officer", "captain", "manager"];

/** create_shopping_list_item as GET /v1/actions/list describes it (src/lenses/shopping_list/action_defs.cc). */
const CREATE_ITEM: ActionDef = {
  action_id: "create_shopping_list_item",
  label: "Add to shopping list",
  domain: "shopping_list",
  variant: "MUTATE",
  allowed_roles: ["crew", "purser", ...HOD],
  signer_roles: [],
  fields: [
    { name: "part_name", type: "string", required: true, label: "Part name", max_length: 200 },
    { name: "quantity_requested", type: "number", required: true, label: "Quantity", min: 0, min_exclusive: true },
    { name: "source_type", type: "enum", required: true, label: "Source", enum: ["manual_add", "low_stock", "work_order", "fault"] },
    { name: "part_id", type: "uuid", required: false, label: "Catalog part", references: "part" },
    { name: "notes", type: "text", required: false, label: "Notes", max_length: 10000 },
  ],
  search_keywords: ["add to shopping list", "request part", "order spare", "order part"],
};

const LENSES: LensInfo[] = [
  { id: "shopping_list", label: "Shopping list", entity_type: "shopping_list_item" },
  { id: "parts", label: "Parts", entity_type: "part" },
  { id: "faults", label: "Faults", entity_type: "fault" },
];

function suggestion(action: Pick<ActionDef, "action_id" | "label" | "domain" | "variant">, score: number): Suggestion {
  return { action_id: action.action_id, label: action.label, domain: action.domain, variant: action.variant, score };
}

const ADD_SUGGESTION = suggestion(CREATE_ITEM, 1);
const REPORT_FAULT = suggestion(
  { action_id: "report_fault", label: "Report fault", domain: "faults", variant: "MUTATE" },
  0.7,
);
const ACKNOWLEDGE_FAULT = suggestion(
  { action_id: "acknowledge_fault", label: "Acknowledge fault", domain: "faults", variant: "MUTATE" },
  0.7,
);

const IMPELLER_ITEM: SearchResult = {
  entity_type: "shopping_list_item",
  entity_id: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
  lens: "shopping_list",
  title: "Raw water pump impeller",
  subtitle: "requested",
  score: 0.42,
};
const FUEL_FILTER: SearchResult = {
  entity_type: "part",
  entity_id: "5b0f6a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b",
  lens: "parts",
  title: "Fuel filter element",
  subtitle: "RAC-2040",
  score: 0.61,
};

function suggestions(list: Suggestion[], candidates: Suggestion[] = []): SuggestionAnswer {
  return { suggestions: list, ambiguous: candidates.length > 0, candidates };
}

/** GET /v1/search's answer for the request's q (docs/api.md, "Search"). */
function searchAnswer(request: Recorded, results: SearchResult[]): SearchAnswer {
  const q = request.query.get("q") ?? "";
  const terms = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return { yacht_id: TEST_YACHT, query: q, terms, count: results.length, results };
}

function setup(options: { wrapFetch?: (fetch: Fetch) => Fetch } = {}) {
  const server = new FakeServer();
  const api = options.wrapFetch ? new Api("test-token", options.wrapFetch(server.fetch)) : server.api();
  const session = makeSession(server, { api, actions: [CREATE_ITEM], lenses: LENSES });
  renderWithSession(<SearchBox />, session);
  return { server, user: userEvent.setup() };
}

function searchInput(): HTMLElement {
  return screen.getByRole("combobox", { name: "Search" });
}

function asked(server: FakeServer, path: "/v1/search" | "/v1/actions/suggestions"): Recorded[] {
  return server.requests.filter((r) => r.path === path);
}

/** Lets the debounce pass and answers already sent reach the page. */
function settle(ms = 300) {
  return act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));
}

describe("SearchBox", () => {
  it("asks for suggestions and records, then lists actions as buttons and records as links", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", (r) => searchAnswer(r, [IMPELLER_ITEM]));

    await user.type(searchInput(), "add to shopping list");

    const actions = await screen.findByRole("list", { name: "Actions" });
    const action = within(actions).getByRole("button", { name: /^Add to shopping list/ });
    expect(within(action).getByText("Shopping list")).toBeInTheDocument(); // the action's lens
    const records = screen.getByRole("list", { name: "Records" });
    const link = within(records).getByRole("link", { name: /Raw water pump impeller/ });
    expect(link).toHaveAttribute("href", `/entity/shopping_list_item/${IMPELLER_ITEM.entity_id}`);
    expect(link).toHaveTextContent("Shopping list · requested");

    const [suggest] = asked(server, "/v1/actions/suggestions");
    expect(suggest.method).toBe("POST");
    expect(suggest.body).toEqual({ query: "add to shopping list", yacht_id: TEST_YACHT });
    const [search] = asked(server, "/v1/search");
    expect(search.query.get("q")).toBe("add to shopping list");
    expect(search.query.get("yacht_id")).toBe(TEST_YACHT);
    // Typing is debounced: one question per pause, not one per key.
    expect(asked(server, "/v1/search")).toHaveLength(1);
  });

  it("opens the action's dialog, with the registry's fields, when a MUTATE suggestion is picked", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", (r) => searchAnswer(r, []));

    await user.type(searchInput(), "add to shopping list");
    await user.click(await screen.findByRole("button", { name: /^Add to shopping list/ }));

    const dialog = screen.getByRole("dialog", { name: "Add to shopping list" });
    expect(within(dialog).getByRole("textbox", { name: /Part name/ })).toBeInTheDocument();
    expect(within(dialog).getByRole("combobox", { name: /Source/ })).toBeInTheDocument();
    expect(searchInput()).toHaveValue("");
    expect(server.executed("create_shopping_list_item")).toHaveLength(0);
  });

  it("gives focus back to the search box when the action's dialog closes", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", (r) => searchAnswer(r, []));

    await user.type(searchInput(), "add to shopping list");
    await user.click(await screen.findByRole("button", { name: /^Add to shopping list/ }));
    expect(screen.getByRole("dialog", { name: "Add to shopping list" })).toBeInTheDocument();
    await user.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(searchInput()).toHaveFocus();
  });

  it("offers the candidate actions as chips when the answer is ambiguous", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () =>
        suggestions([REPORT_FAULT, ACKNOWLEDGE_FAULT], [REPORT_FAULT, ACKNOWLEDGE_FAULT]),
      )
      .on("GET /v1/search", (r) => searchAnswer(r, []));

    await user.type(searchInput(), "fault");

    const chips = await screen.findByRole("list", { name: "Several actions match. Which one?" });
    expect(within(chips).getAllByRole("button").map((b) => b.textContent)).toEqual([
      "Report fault",
      "Acknowledge fault",
    ]);
    expect(screen.queryByRole("list", { name: "Actions" })).not.toBeInTheDocument();
  });

  it("asks nothing for fewer than two characters", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", (r) => searchAnswer(r, [FUEL_FILTER]));

    await user.type(searchInput(), "f");
    await settle();

    expect(server.requests).toHaveLength(0);
    expect(searchInput()).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByRole("list")).not.toBeInTheDocument();
  });

  it("clears the query and closes the results on Escape", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([]))
      .on("GET /v1/search", (r) => searchAnswer(r, [FUEL_FILTER]));

    await user.type(searchInput(), "filter");
    await screen.findByRole("list", { name: "Records" });
    await user.keyboard("{Escape}");

    expect(searchInput()).toHaveValue("");
    expect(searchInput()).toHaveFocus();
    expect(screen.queryByRole("list", { name: "Records" })).not.toBeInTheDocument();
  });

  it("moves focus from the input to the first result, then the next, with ArrowDown", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", (r) => searchAnswer(r, [IMPELLER_ITEM]));

    await user.type(searchInput(), "add to shopping list");
    const action = await screen.findByRole("button", { name: /^Add to shopping list/ });
    expect(searchInput()).toHaveFocus();

    await user.keyboard("{ArrowDown}");
    expect(action).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("link", { name: /Raw water pump impeller/ })).toHaveFocus();
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(searchInput()).toHaveFocus();
  });

  it("keeps the newer answer when an older one arrives late", async () => {
    let releaseOld: () => void = () => {};
    const oldHeld = new Promise<void>((resolve) => {
      releaseOld = resolve;
    });
    // The answer to the first query ("impeller") is held back until the second has landed.
    const wrapFetch =
      (fetch: Fetch): Fetch =>
      async (input, init) => {
        const response = await fetch(input, init);
        if (input.includes("q=impeller")) await oldHeld;
        return response;
      };
    const { server, user } = setup({ wrapFetch });
    server
      .on("POST /v1/actions/suggestions", () => suggestions([]))
      .on("GET /v1/search", (r) =>
        searchAnswer(r, r.query.get("q") === "impeller" ? [IMPELLER_ITEM] : [FUEL_FILTER]),
      );

    await user.type(searchInput(), "impeller");
    await waitFor(() => expect(asked(server, "/v1/search")).toHaveLength(1));
    await user.clear(searchInput());
    await user.type(searchInput(), "filter");
    await screen.findByRole("link", { name: /Fuel filter element/ });

    releaseOld();
    await settle(50);

    expect(screen.getByRole("link", { name: /Fuel filter element/ })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /Raw water pump impeller/ })).not.toBeInTheDocument();
    expect(asked(server, "/v1/search").map((r) => r.query.get("q"))).toEqual(["impeller", "filter"]);
  });

  it("says nothing matches when there is neither an action nor a record", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([]))
      .on("GET /v1/search", (r) => searchAnswer(r, []));

    await user.type(searchInput(), "xyzzy");

    expect(await screen.findByText("Nothing matches “xyzzy”. Try fewer or other words.")).toBeInTheDocument();
    expect(screen.queryByRole("list")).not.toBeInTheDocument();
  });

  it("shows the server's refusal as an alert", async () => {
    const { server, user } = setup();
    server
      .on("POST /v1/actions/suggestions", () => suggestions([ADD_SUGGESTION]))
      .on("GET /v1/search", () => envelope(403, "yacht_access_denied", "not a member of this yacht"));

    await user.type(searchInput(), "impeller");

    expect(await screen.findByRole("alert")).toHaveTextContent("not a member of this yacht (yacht_access_denied)");
    expect(screen.queryByText(/Nothing matches/)).not.toBeInTheDocument();
  });
});
