// The sign-in page against a scripted server: the demo accounts the server offers, the
// login call, and what a person reads when the server refuses or the account has no yacht.
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { LoginAnswer } from "../api/types";
import { FakeServer, TEST_USER, envelope, membership } from "../test/fakeServer";
import { LoginPage } from "./LoginPage";

/** GET /v1/auth/demo-accounts of a server started with `serve --demo` (src/cli/demo_fleet.cc). */
const DEMO_ON = {
  demo: true,
  password: "celeste-demo",
  pin: "1234",
  accounts: [
    { email: "crew@celeste.demo", role: "crew", yacht_name: "M/Y Celeste" },
    { email: "chief_engineer@celeste.demo", role: "chief_engineer", yacht_name: "M/Y Celeste" },
    { email: "captain@aurora.demo", role: "captain", yacht_name: "M/Y Aurora" },
  ],
};

/** The same route on any other server. */
const DEMO_OFF = { demo: false, accounts: [] };

const LOGGED_IN: LoginAnswer = {
  access_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMTExIn0.c2lnbmF0dXJl",
  token_type: "bearer",
  expires_in: 3600,
  user: TEST_USER,
  memberships: [membership("crew")],
};

function setup(demo: unknown = DEMO_OFF) {
  const server = new FakeServer().on("GET /v1/auth/demo-accounts", () => demo);
  const onLogin = vi.fn();
  render(<LoginPage api={server.api()} onLogin={onLogin} />);
  return { server, onLogin, user: userEvent.setup() };
}

/** Lets answers already sent reach the page, so the absence of what they would show means something. */
function settle() {
  return act(() => new Promise<void>((resolve) => setTimeout(resolve, 50)));
}

async function signIn(user: ReturnType<typeof userEvent.setup>, email: string, password: string) {
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("LoginPage", () => {
  it("lists the demo accounts when the server runs the demo fleet", async () => {
    setup(DEMO_ON);
    const section = await screen.findByRole("region", { name: "Demo accounts" });
    const names = within(section)
      .getAllByRole("button")
      .map((b) => b.textContent);
    expect(names).toEqual(["crew@celeste.demo", "chief_engineer@celeste.demo", "captain@aurora.demo"]);
    expect(section).toHaveTextContent("chief engineer · M/Y Celeste");
    expect(section).toHaveTextContent("Password celeste-demo, PIN 1234.");
  });

  it("fills the email and password when a demo account is chosen", async () => {
    const { user } = setup(DEMO_ON);
    await user.click(await screen.findByRole("button", { name: "captain@aurora.demo" }));
    expect(screen.getByLabelText("Email")).toHaveValue("captain@aurora.demo");
    expect(screen.getByLabelText("Password")).toHaveValue("celeste-demo");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("lists no demo accounts when the server says demo is off", async () => {
    const { server } = setup(DEMO_OFF);
    await vi.waitFor(() => expect(server.requests.some((r) => r.path === "/v1/auth/demo-accounts")).toBe(true));
    await settle();
    expect(screen.queryByRole("region", { name: "Demo accounts" })).not.toBeInTheDocument();
    expect(screen.queryByText(/celeste-demo/)).not.toBeInTheDocument();
  });

  it("says the email and password do not match when the server answers invalid_credentials", async () => {
    const { server, onLogin, user } = setup();
    server.on("POST /v1/auth/login", () => envelope(401, "invalid_credentials", "invalid email or password"));
    await signIn(user, "crew@celeste.demo", "wrong");
    expect(await screen.findByRole("alert")).toHaveTextContent("That email and password do not match an account.");
    expect(onLogin).not.toHaveBeenCalled();
  });

  it("tells a person with no yacht that they are not a member yet", async () => {
    const { server, onLogin, user } = setup();
    server.on("POST /v1/auth/login", () => ({ ...LOGGED_IN, memberships: [] }));
    await signIn(user, "new@celeste.demo", "celeste-demo");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This account is not a member of any yacht yet. Ask your captain or manager.",
    );
    expect(onLogin).not.toHaveBeenCalled();
  });

  it("sends the email and password and hands the token, user and memberships on", async () => {
    const { server, onLogin, user } = setup();
    server.on("POST /v1/auth/login", () => LOGGED_IN);
    await signIn(user, "  crew@celeste.demo ", "celeste-demo");
    await vi.waitFor(() => expect(onLogin).toHaveBeenCalledTimes(1));
    expect(onLogin).toHaveBeenCalledWith(LOGGED_IN.access_token, LOGGED_IN.user, LOGGED_IN.memberships);
    const login = server.requests.find((r) => r.path === "/v1/auth/login");
    expect(login?.method).toBe("POST");
    expect(login?.body).toEqual({ email: "crew@celeste.demo", password: "celeste-demo" });
  });
});
