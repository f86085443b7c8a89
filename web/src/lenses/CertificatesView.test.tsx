// The certificates lens against a scripted server: expired and expiring certificates first,
// badged with the server's status and warning window, and renewal offered on them.
import { screen, within } from "@testing-library/react";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { CertificatesView } from "./CertificatesView";
import { CREW_ACTIONS, HOD_ACTIONS, readAnswer } from "../actions/testRegistry";

function certificate(n: number, certificate_type: string, expiry_date: string, status: string, days_to_expiry: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `01941000-0000-7000-8000-00000000000${n}`,
    scope: "vessel",
    holder_user_id: null,
    holder_name: null,
    certificate_type,
    number: `CERT-${n}00`,
    issuing_authority: "Cayman Islands Shipping Registry",
    issue_date: "2021-06-01",
    expiry_date,
    status,
    days_to_expiry,
    supersedes: null,
    superseded_by: null,
    superseded_at: null,
    created_by: TEST_USER.id,
    created_at: "2026-01-10T08:00:00.000000Z",
    updated_at: "2026-01-10T08:00:00.000000Z",
    ...overrides,
  };
}

// Soonest expiry first, as list_certificates answers (today 2026-12-06, window 90 days).
const CERTIFICATES = [
  certificate(1, "Old load line", "2025-03-01", "superseded", -645),
  certificate(2, "Safety management", "2026-11-30", "expired", -6),
  certificate(3, "Radio station licence", "2027-01-20", "expiring", 45),
  certificate(4, "STCW medical", "2027-02-10", "expiring", 66, { scope: "crew", holder_user_id: TEST_USER.id, holder_name: "Casey Crew" }),
  certificate(5, "Load line", "2030-05-01", "valid", 1242),
];

function server(certificates = CERTIFICATES) {
  return new FakeServer().on("EXECUTE list_certificates", () =>
    readAnswer("list_certificates", { certificates, next_cursor: null, today: "2026-12-06", warning_days: 90 }),
  );
}

function renderAs(s: FakeServer, role: "captain" | "crew" = "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<CertificatesView />, makeSession(s, { membership: membership(role), actions }));
}

function row(name: string): HTMLElement {
  return screen.getByRole("link", { name }).closest("li") as HTMLElement;
}

test("puts expired, then expiring, then valid certificates first, superseded last", async () => {
  renderAs(server());
  await screen.findByRole("link", { name: "Safety management" });
  expect(screen.getAllByRole("link").map((a) => a.textContent)).toEqual([
    "Safety management",
    "Radio station licence",
    "STCW medical",
    "Load line",
    "Old load line",
  ]);
});

test("badges expired in the bad tone and expiring with the server's warning window", async () => {
  renderAs(server());
  await screen.findByRole("link", { name: "Safety management" });
  expect(within(row("Safety management")).getByText("Expired")).toHaveClass("badge", "badge-bad");
  expect(row("Safety management")).toHaveTextContent("Expires 2026-11-30 (expired 6 days ago)");
  expect(within(row("Radio station licence")).getByText("Expiring within 90 days")).toHaveClass("badge-warn");
  expect(row("Radio station licence")).toHaveTextContent("45 days left");
  expect(row("STCW medical")).toHaveTextContent("Casey Crew");
  expect(row("Load line").querySelector(".badge")).toBeNull();
  expect(within(row("Old load line")).getByText("Superseded")).toHaveClass("badge-muted");
  expect(screen.getByRole("link", { name: "Load line" })).toHaveAttribute("href", `/entity/certificate/${CERTIFICATES[4].id}`);
});

test("offers a head of department renewal of expired and expiring certificates", async () => {
  renderAs(server(), "captain");
  await screen.findByRole("link", { name: "Safety management" });
  expect(within(row("Safety management")).getByRole("button", { name: "Renew certificate (signed)" })).toBeInTheDocument();
  expect(within(row("Radio station licence")).getByRole("button", { name: "Renew certificate (signed)" })).toBeInTheDocument();
  expect(within(row("Load line")).queryByRole("button")).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Add certificate" })).toBeInTheDocument();
});

test("offers a crew member neither renewal nor adding", async () => {
  renderAs(server());
  await screen.findByRole("link", { name: "Safety management" });
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
});

test("says what to do when no certificate is recorded", async () => {
  renderAs(server([]));
  expect(await screen.findByText(/No certificates recorded yet/)).toBeInTheDocument();
});
