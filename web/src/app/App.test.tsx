// The whole shell on a scripted server: signing in and out, the header (yacht, role, the
// lenses that are on, Ops for heads of department), switching yachts, a reload that keeps
// the session, and an expired token that ends it.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Api } from "../api/client";
import type { ActionDef, ActionList, LensInfo, LoginAnswer, MeAnswer, Membership, User } from "../api/types";
import { FakeServer, envelope } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { App } from "./App";

const CELESTE = "22222222-2222-4222-8222-222222222222";
const AURORA = "33333333-3333-4333-8333-333333333333";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NDQ0In0.c2lnbmF0dXJl";

const USER: User = { id: "44444444-4444-4444-8444-444444444444", email: "casey@celeste.demo", name: "Casey Morgan" };

/** The lenses in registry order (src/lenses/lenses.cc), as /v1/actions/list names them. */
const SHOPPING_LIST: LensInfo = { id: "shopping_list", label: "Shopping list", entity_type: "shopping_list_item" };
const PARTS: LensInfo = { id: "parts", label: "Parts", entity_type: "part" };
const RECEIVING: LensInfo = { id: "receiving", label: "Receiving", entity_type: "receiving" };
const CERTIFICATES: LensInfo = { id: "certificates", label: "Certificates", entity_type: "certificate" };
const FAULTS: LensInfo = { id: "faults", label: "Faults", entity_type: "fault" };
const EQUIPMENT: LensInfo = { id: "equipment", label: "Equipment", entity_type: "equipment" };
const WORK_ORDERS: LensInfo = { id: "work_orders", label: "Work orders", entity_type: "work_order" };

const CREATE_ITEM: ActionDef = {
  action_id: "create_shopping_list_item",
  label: "Add to shopping list",
  domain: "shopping_list",
  variant: "MUTATE",
  allowed_roles: ["crew", "purser", "chief_engineer", "chief_officer", "captain", "manager"],
  signer_roles: [],
  fields: [
    { name: "part_name", type: "string", required: true, label: "Part name", max_length: 200 },
    { name: "quantity_requested", type: "number", required: true, label: "Quantity", min: 0, min_exclusive: true },
    { name: "source_type", type: "enum", required: true, label: "Source", enum: ["manual_add", "low_stock", "work_order", "fault"] },
  ],
  search_keywords: ["add to shopping list"],
};

/** What GET /v1/actions/list answers a caller with this role while these lenses are on. */
function actionList(role: string, lenses: LensInfo[]): ActionList {
  return { actions: [CREATE_ITEM], role, lenses };
}

function login(memberships: Membership[]): LoginAnswer {
  return { access_token: TOKEN, token_type: "bearer", expires_in: 3600, user: USER, memberships };
}

/** A scripted server where each yacht answers /v1/actions/list with the caller's role and its lenses. */
function fleet(memberships: Membership[], lensesOn: Record<string, LensInfo[]>) {
  const me: MeAnswer = { user: USER, memberships };
  return new FakeServer()
    .on("GET /v1/auth/demo-accounts", () => ({ demo: false, accounts: [] }))
    .on("POST /v1/auth/login", () => login(memberships))
    .on("GET /v1/me", () => me)
    .on("GET /v1/actions/list", (r) => {
      const yachtId = r.query.get("yacht_id") ?? "";
      const m = memberships.find((x) => x.yacht_id === yachtId);
      if (!m) return envelope(403, "yacht_access_denied", "not a member of this yacht");
      return actionList(m.role, lensesOn[yachtId] ?? []);
    });
}

const ALL_LENSES = [SHOPPING_LIST, PARTS, RECEIVING, CERTIFICATES, FAULTS, EQUIPMENT, WORK_ORDERS];
const FAULTS_OFF = ALL_LENSES.filter((l) => l !== FAULTS);

function start(server: FakeServer) {
  render(<App api={new Api(null, server.fetch)} />);
  return userEvent.setup();
}

async function signIn(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText("Email"), USER.email);
  await user.type(screen.getByLabelText("Password"), "celeste-demo");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  await screen.findByRole("button", { name: "Sign out" });
}

function lensNav(): HTMLElement {
  return screen.getByRole("navigation", { name: "Lenses" });
}

function actionListAsked(server: FakeServer): Recorded[] {
  return server.requests.filter((r) => r.path === "/v1/actions/list");
}

afterEach(() => {
  window.history.replaceState(null, "", "/");
  vi.restoreAllMocks();
});

describe("App", () => {
  it("shows the yacht and the caller's role on it once signed in", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "chief_engineer" }], {
      [CELESTE]: ALL_LENSES,
    });
    const user = start(server);
    await signIn(user);

    expect(screen.getByTestId("current-role")).toHaveTextContent("chief engineer");
    expect(screen.getByText("M/Y Celeste")).toBeInTheDocument();
    expect(screen.getByText(USER.name)).toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "Yacht" })).not.toBeInTheDocument();
    await waitFor(() => expect(actionListAsked(server)).toHaveLength(1));
    expect(actionListAsked(server)[0].query.get("yacht_id")).toBe(CELESTE);
  });

  it("switches yachts with the Yacht select: the role changes and that yacht's actions are asked for", async () => {
    const server = fleet(
      [
        { yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "chief_engineer" },
        { yacht_id: AURORA, yacht_name: "M/Y Aurora", role: "crew" },
      ],
      { [CELESTE]: ALL_LENSES, [AURORA]: [SHOPPING_LIST, PARTS] },
    );
    const user = start(server);
    await signIn(user);
    const yacht = screen.getByRole("combobox", { name: "Yacht" });
    expect(yacht).toHaveValue(CELESTE);
    expect(screen.getByTestId("current-role")).toHaveTextContent("chief engineer");

    await user.selectOptions(yacht, "M/Y Aurora");

    expect(yacht).toHaveValue(AURORA);
    expect(screen.getByTestId("current-role")).toHaveTextContent("crew");
    await waitFor(() =>
      expect(actionListAsked(server).map((r) => r.query.get("yacht_id"))).toEqual([CELESTE, AURORA]),
    );
    await waitFor(() =>
      expect(within(lensNav()).getAllByRole("link").map((a) => a.textContent)).toEqual(["Shopping list", "Parts"]),
    );
  });

  it("lists exactly the lenses that are on, in the server's order", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: FAULTS_OFF,
    });
    const user = start(server);
    await signIn(user);

    await waitFor(() =>
      expect(within(lensNav()).getAllByRole("link").map((a) => a.textContent)).toEqual(
        FAULTS_OFF.map((l) => l.label),
      ),
    );
    expect(within(lensNav()).getByRole("link", { name: "Work orders" })).toHaveAttribute("href", "/lens/work_orders");
    expect(within(lensNav()).queryByRole("link", { name: "Faults" })).not.toBeInTheDocument();
  });

  it("says a lens that is off is not available at its address", async () => {
    window.history.replaceState(null, "", "/lens/faults");
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: FAULTS_OFF,
    });
    const user = start(server);
    await signIn(user);

    expect(await screen.findByText("This lens is not available on this yacht.")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Faults" })).not.toBeInTheDocument();
  });

  it("opens a lens that is on from the navigation", async () => {
    vi.spyOn(window, "scrollTo").mockImplementation(() => {}); // jsdom does not scroll
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: FAULTS_OFF,
    });
    const user = start(server);
    await signIn(user);

    await user.click(await within(lensNav()).findByRole("link", { name: "Equipment" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Equipment" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/lens/equipment");
    expect(within(lensNav()).getByRole("link", { name: "Equipment" })).toHaveAttribute("aria-current", "page");
  });

  it("shows the Ops link to a captain", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "captain" }], {
      [CELESTE]: ALL_LENSES,
    });
    const user = start(server);
    await signIn(user);

    expect(await within(lensNav()).findByRole("link", { name: "Ops" })).toHaveAttribute("href", "/ops");
  });

  it("does not show the Ops link to crew", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    });
    const user = start(server);
    await signIn(user);

    await within(lensNav()).findByRole("link", { name: "Shopping list" });
    expect(within(lensNav()).queryByRole("link", { name: "Ops" })).not.toBeInTheDocument();
  });

  it("keeps the session across a reload by asking /v1/me with the stored token", async () => {
    sessionStorage.setItem("celeste.token", TOKEN);
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "chief_officer" }], {
      [CELESTE]: ALL_LENSES,
    });
    start(server);

    expect(await screen.findByRole("button", { name: "Sign out" })).toBeInTheDocument();
    expect(screen.getByTestId("current-role")).toHaveTextContent("chief officer");
    expect(screen.queryByRole("form", { name: "Sign in" })).not.toBeInTheDocument();
    expect(server.requests.map((r) => r.path)).not.toContain("/v1/auth/login");
    expect(server.requests[0].path).toBe("/v1/me");
  });

  it("returns to the yacht last chosen after a reload", async () => {
    sessionStorage.setItem("celeste.token", TOKEN);
    sessionStorage.setItem("celeste.yacht", AURORA);
    const server = fleet(
      [
        { yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "chief_engineer" },
        { yacht_id: AURORA, yacht_name: "M/Y Aurora", role: "crew" },
      ],
      { [CELESTE]: ALL_LENSES, [AURORA]: ALL_LENSES },
    );
    start(server);

    expect(await screen.findByRole("combobox", { name: "Yacht" })).toHaveValue(AURORA);
    expect(screen.getByTestId("current-role")).toHaveTextContent("crew");
    await waitFor(() => expect(actionListAsked(server)[0]?.query.get("yacht_id")).toBe(AURORA));
  });

  it("shows the sign-in form and forgets the token when /v1/me refuses it after a reload", async () => {
    sessionStorage.setItem("celeste.token", TOKEN);
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    }).on("GET /v1/me", () => envelope(401, "token_expired", "token has expired"));
    start(server);

    expect(await screen.findByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(sessionStorage.getItem("celeste.token")).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent("Your session has ended");
    expect(screen.getByRole("status")).toHaveFocus();
  });

  it("signs out when /v1/actions/list answers 401", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    }).on("GET /v1/actions/list", () => envelope(401, "token_expired", "token has expired"));
    const user = start(server);
    await user.type(await screen.findByLabelText("Email"), USER.email);
    await user.type(screen.getByLabelText("Password"), "celeste-demo");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(actionListAsked(server)).toHaveLength(1));
    expect(await screen.findByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Sign out" })).not.toBeInTheDocument();
    expect(sessionStorage.getItem("celeste.token")).toBeNull();
  });

  it("returns to the sign-in form and clears the token on Sign out", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    });
    const user = start(server);
    await signIn(user);
    expect(sessionStorage.getItem("celeste.token")).toBe(TOKEN);

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    expect(await screen.findByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByTestId("current-role")).not.toBeInTheDocument();
    expect(sessionStorage.getItem("celeste.token")).toBeNull();
  });

  it("says why when the registry cannot be read, and Try again asks again", async () => {
    let refuse = true;
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    });
    server.on("GET /v1/actions/list", () =>
      refuse ? envelope(503, "internal_error", "database unavailable") : actionList("crew", ALL_LENSES),
    );
    const user = start(server);
    await signIn(user);

    expect(await screen.findByRole("alert")).toHaveTextContent("database unavailable");
    expect(within(lensNav()).queryAllByRole("link")).toHaveLength(0);
    refuse = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));

    await waitFor(() => expect(within(lensNav()).getAllByRole("link")).toHaveLength(ALL_LENSES.length));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("ends the session with a notice when any signed-in call answers 401", async () => {
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    })
      .on("POST /v1/actions/suggestions", () => envelope(401, "token_expired", "token has expired"))
      .on("GET /v1/search", () => envelope(401, "token_expired", "token has expired"));
    const user = start(server);
    await signIn(user);

    await user.type(await screen.findByRole("combobox", { name: "Search" }), "impeller");

    expect(await screen.findByRole("form", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Your session has ended");
    expect(sessionStorage.getItem("celeste.token")).toBeNull();
  });

  it("keeps the token when a reload cannot reach the server", async () => {
    sessionStorage.setItem("celeste.token", TOKEN);
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    });
    const offline = new Api(null, (input, init) =>
      input.startsWith("/v1/me") ? Promise.reject(new TypeError("Failed to fetch")) : server.fetch(input, init),
    );
    render(<App api={offline} />);

    expect(await screen.findByRole("status")).toHaveTextContent("could not be reached");
    expect(sessionStorage.getItem("celeste.token")).toBe(TOKEN);
  });

  it("does not sign in an account that belongs to no yacht any more", async () => {
    sessionStorage.setItem("celeste.token", TOKEN);
    const server = fleet([], {});
    render(<App api={new Api(null, server.fetch)} />);

    expect(await screen.findByRole("status")).toHaveTextContent("not a member of any yacht");
    expect(screen.queryByTestId("current-role")).not.toBeInTheDocument();
    expect(sessionStorage.getItem("celeste.token")).toBeNull();
  });

  it("shows nothing of the previous yacht while the next yacht's registry loads", async () => {
    let answerAurora: (() => void) | null = null;
    const memberships = [
      { yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "captain" },
      { yacht_id: AURORA, yacht_name: "M/Y Aurora", role: "crew" },
    ];
    const server = fleet(memberships, { [CELESTE]: ALL_LENSES, [AURORA]: [PARTS] });
    const slow = new Api(null, async (input, init) => {
      if (input.includes(`yacht_id=${AURORA}`)) await new Promise<void>((resolve) => (answerAurora = resolve));
      return server.fetch(input, init);
    });
    render(<App api={slow} />);
    const user = userEvent.setup();
    await signIn(user);
    await waitFor(() => expect(within(lensNav()).getAllByRole("link").length).toBeGreaterThan(1));

    await user.selectOptions(screen.getByRole("combobox", { name: "Yacht" }), "M/Y Aurora");

    expect(within(lensNav()).queryAllByRole("link")).toHaveLength(0);
    await waitFor(() => expect(answerAurora).not.toBeNull());
    answerAurora!();
    await waitFor(() =>
      expect(within(lensNav()).getAllByRole("link").map((a) => a.textContent)).toEqual(["Parts"]),
    );
  });

  it("reads a malformed address as a missing page instead of failing", async () => {
    window.history.replaceState(null, "", "/entity/%zz/1");
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    });
    const user = start(server);
    await signIn(user);

    expect(await screen.findByText(/no kind of record called/)).toBeInTheDocument();
  });

  it("keeps the page when the registry cannot be re-read after an action", async () => {
    let listCalls = 0;
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    })
      .on("GET /v1/actions/list", () => {
        listCalls += 1;
        return listCalls === 1 ? actionList("crew", ALL_LENSES) : envelope(503, "feature_disabled", "busy");
      })
      .on("POST /v1/actions/suggestions", () => ({
        suggestions: [{ action_id: CREATE_ITEM.action_id, label: CREATE_ITEM.label, domain: "shopping_list", variant: "MUTATE", score: 1 }],
        ambiguous: false,
        candidates: [],
      }))
      .on("GET /v1/search", () => ({ yacht_id: CELESTE, query: "", terms: [], count: 0, results: [] }))
      .on("EXECUTE create_shopping_list_item", () => ({
        status: 201,
        json: { success: true, action: CREATE_ITEM.action_id, entity_id: "5", result: {}, audit_id: "a", request_id: "r" },
      }));
    const user = start(server);
    await signIn(user);
    await user.type(await screen.findByRole("combobox", { name: "Search" }), "add to shopping list");
    await user.click(await screen.findByRole("button", { name: /^Add to shopping list/ }));
    const dialog = screen.getByRole("dialog", { name: "Add to shopping list" });
    await user.type(within(dialog).getByRole("textbox", { name: "Part name" }), "Impeller");
    await user.type(within(dialog).getByRole("spinbutton", { name: "Quantity" }), "2");
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Source" }), "manual_add");
    await user.click(within(dialog).getByRole("button", { name: "Add to shopping list" }));

    await waitFor(() => expect(listCalls).toBe(2));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Search" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    expect(within(lensNav()).getAllByRole("link")).toHaveLength(ALL_LENSES.length);
  });

  it("ignores a late 401 from a session that has already ended", async () => {
    let refuseLate: (() => void) | null = null;
    const server = fleet([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }], {
      [CELESTE]: ALL_LENSES,
    }).on("POST /v1/actions/suggestions", () => ({ suggestions: [], ambiguous: false, candidates: [] }));
    let tokens = 0;
    server.on("POST /v1/auth/login", () => {
      tokens += 1;
      return { ...login([{ yacht_id: CELESTE, yacht_name: "M/Y Celeste", role: "crew" }]), access_token: `token-${tokens}` };
    });
    const api = new Api(null, async (input, init) => {
      if (input.startsWith("/v1/search")) {
        const auth = (init?.headers as Record<string, string>).Authorization;
        if (auth === "Bearer token-1") {
          await new Promise<void>((resolve) => (refuseLate = resolve));
          return new Response(JSON.stringify(envelope(401, "token_expired", "expired").json), { status: 401 });
        }
        return new Response(JSON.stringify({ yacht_id: CELESTE, query: "", terms: [], count: 0, results: [] }));
      }
      return server.fetch(input, init);
    });
    render(<App api={api} />);
    const user = userEvent.setup();
    await signIn(user);
    await user.type(await screen.findByRole("combobox", { name: "Search" }), "impeller");
    await waitFor(() => expect(refuseLate).not.toBeNull());
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    await signIn(user);
    expect(sessionStorage.getItem("celeste.token")).toBe("token-2");

    await act(async () => refuseLate!());

    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
    expect(sessionStorage.getItem("celeste.token")).toBe("token-2");
  });
});
