// The ops dashboard against a scripted server, with answers shaped as src/api/ops_routes.cc,
// the alerts and rollouts reads and GET /v1/flags give them.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Alert, Flag, HealthCheck, OpsHealth, OpsHistory, Rollout } from "../api/types";
import { FakeServer, TEST_YACHT, envelope, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { OpsDashboard } from "./OpsDashboard";

const NOW = Date.parse("2026-12-06T12:00:00Z");

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

function check(lens_id: string, label: string, overrides: Partial<HealthCheck> = {}): HealthCheck {
  return {
    id: `check-${lens_id}`,
    lens_id,
    status: "healthy",
    p50_ms: 8.2,
    p95_ms: 41.7,
    p99_ms: 60.3,
    error_rate_percent: 0,
    sample_size: 15,
    observed_at: "2026-12-06T11:57:30.412000Z",
    notes: { reason: "all probes answered as expected", slo_p95_ms: 500, flags: null, probes: {} },
    label,
    slo_p95_ms: 500,
    ...overrides,
  };
}

const HEALTH: OpsHealth = {
  yacht_id: TEST_YACHT,
  lenses: [
    check("shopping_list", "Shopping list"),
    check("parts", "Parts", {
      status: "degraded",
      p95_ms: 712,
      error_rate_percent: 0,
      observed_at: "2026-12-06T09:00:00Z",
      notes: { reason: "p95 712.0 ms above the SLO 500.0 ms" },
    }),
    check("faults", "Faults", { status: "unhealthy", p95_ms: 130, error_rate_percent: 12.5, observed_at: "2026-12-04T12:00:00Z" }),
    check("receiving", "Receiving", { status: "inconclusive", p95_ms: 20, error_rate_percent: 0 }),
    check("certificates", "Certificates", { status: "disabled", p50_ms: null, p95_ms: null, p99_ms: null, error_rate_percent: null }),
  ],
  never_checked: ["work_orders"],
};

function hour(at: string, p95_ms: number | null) {
  return { hour: at, checks: p95_ms === null ? 1 : 4, status_counts: { healthy: 4 }, samples: 60, failed_samples: 0, p50_ms: p95_ms && p95_ms / 3, p95_ms, p99_ms: p95_ms && p95_ms * 1.2 };
}

function history(hours: number, hourly: OpsHistory["hourly"]): OpsHistory {
  return {
    yacht_id: TEST_YACHT,
    lens_id: "shopping_list",
    hours,
    since: new Date(NOW - hours * 3_600_000).toISOString().replace("Z", "000Z"),
    slo_p95_ms: 500,
    hourly,
    checks: [],
  };
}

// Hour 15 answered, 16 and 17 had no check; 18 and 19 answered, 20 had a check without a
// p95, 21 and 22 answered; 23 had none.
const DAY = history(24, [
  hour("2026-12-06T03:00:00Z", 35),
  hour("2026-12-06T06:00:00Z", 40),
  hour("2026-12-06T07:00:00Z", 120),
  hour("2026-12-06T08:00:00Z", null),
  hour("2026-12-06T09:00:00Z", 55),
  hour("2026-12-06T10:00:00Z", 48),
]);

const ALERTS: Alert[] = [
  { id: "a1", rule: "p95_over_slo", lens_id: "parts", severity: "warning", state: "firing", hits: 2, summary: "p95 712.0 ms above the SLO 500.0 ms", started_at: "2026-12-06T09:00:00Z", fired_at: "2026-12-06T09:00:00Z", resolved_at: null },
  { id: "a2", rule: "unhealthy_twice", lens_id: "faults", severity: "critical", state: "firing", hits: 3, summary: "unhealthy on 2 checks in a row", started_at: "2026-12-06T10:00:00Z", fired_at: "2026-12-06T11:30:00Z", resolved_at: null },
  { id: "a3", rule: "error_rate_high", lens_id: "receiving", severity: "critical", state: "pending", hits: 1, summary: "error rate 12.5 % above 5 %", started_at: "2026-12-06T11:50:00Z", fired_at: null, resolved_at: null },
];

const FLAGS: Flag[] = [
  { flag_name: "FAULT_LENS_V1_ENABLED", enabled: true, canary_percentage: 20, updated_at: "2026-12-06T10:00:00Z", updated_by: null, env_override: null, bucket: 14, enabled_for_yacht: true },
  { flag_name: "CERTIFICATES_LENS_V1_ENABLED", enabled: false, canary_percentage: 100, updated_at: "2026-12-01T10:00:00Z", updated_by: null, env_override: false, bucket: 61, enabled_for_yacht: false },
];

const ROLLOUTS: Rollout[] = [
  { id: "r1", flag_name: "FAULT_LENS_V1_ENABLED", lens_id: "faults", stages: [5, 20, 50, 100], stage: 2, canary_percentage: 20, hold_seconds: 3600, auto_rollback: true, state: "running", stage_started_at: "2026-12-06T10:00:00Z", reason: null },
];

function opsServer(): FakeServer {
  return new FakeServer()
    .on("GET /v1/ops/health", () => HEALTH)
    .on("GET /v1/ops/health/history", (r) => (r.query.get("hours") === "168" ? history(168, []) : DAY))
    .on("GET /v1/ops/alerts", () => ({ yacht_id: TEST_YACHT, alerts: ALERTS }))
    .on("GET /v1/flags", () => ({ yacht_id: TEST_YACHT, flags: FLAGS }))
    .on("GET /v1/ops/rollouts", () => ({ yacht_id: TEST_YACHT, rollouts: ROLLOUTS }));
}

function renderOps(server = opsServer()) {
  renderWithSession(<OpsDashboard />, makeSession(server, { membership: membership("chief_engineer") }));
  return server;
}

async function healthRow(label: string) {
  const table = await screen.findByRole("table", { name: "Latest check of each lens" });
  return within(table).getByRole("rowheader", { name: label }).closest("tr")!;
}

test("each lens's status is a word on a pill of its colour", async () => {
  renderOps();
  const expected: [string, string, string][] = [
    ["Shopping list", "healthy", "badge-ok"],
    ["Parts", "degraded", "badge-warn"],
    ["Faults", "unhealthy", "badge-bad"],
    ["Receiving", "inconclusive", "badge-info"],
    ["Certificates", "disabled", "badge-muted"],
  ];
  for (const [label, status, tone] of expected) {
    expect(within(await healthRow(label)).getByText(status)).toHaveClass("badge", tone);
  }
});

test("a row shows p95 against the SLO, the error rate and when it was checked", async () => {
  renderOps();
  const parts = await healthRow("Parts");
  expect(parts).toHaveTextContent("712 ms / SLO 500 ms (above SLO)");
  expect(parts).toHaveTextContent("p95 712.0 ms above the SLO 500.0 ms");
  expect(parts).toHaveTextContent("3 h ago");
  const faults = await healthRow("Faults");
  expect(faults).toHaveTextContent("12.5 %");
  expect(faults).toHaveTextContent("2 d ago");
  const shopping = await healthRow("Shopping list");
  expect(shopping).toHaveTextContent("42 ms / SLO 500 ms");
  expect(shopping).not.toHaveTextContent("above SLO");
  const time = within(shopping).getByText("2 min ago");
  expect(time.tagName).toBe("TIME");
  expect(time).toHaveAttribute("dateTime", "2026-12-06T11:57:30.412000Z");
  expect(within(await healthRow("Certificates")).getAllByText("—")).toHaveLength(2);
});

test("a lens never checked says so", async () => {
  renderOps();
  expect(within(await healthRow("Work orders")).getByText("never checked")).toHaveClass("badge-muted");
});

test("Trend draws the hourly p95 with gaps for hours without one, and the SLO", async () => {
  const server = renderOps();
  await userEvent.click(await screen.findByRole("button", { name: "Trend for Shopping list" }));
  const chart = await screen.findByRole("img", { name: "p95 over the last 24 h: max 120 ms, SLO 500 ms" });
  const d = chart.querySelector("path.trend-line")!.getAttribute("d")!;
  expect(d.match(/[ML]/g)).toHaveLength(5);
  expect(d.match(/M/g)).toHaveLength(3);
  expect(chart.querySelectorAll("circle.trend-dot")).toHaveLength(5);
  expect(chart.querySelector("line.trend-slo")).toHaveAttribute("stroke-dasharray");
  expect(chart).toHaveTextContent("SLO 500 ms");
  expect(screen.getByRole("button", { name: "Trend for Shopping list" })).toHaveAttribute("aria-pressed", "true");
  const asked = server.requests.filter((r) => r.path === "/v1/ops/health/history");
  expect(asked.map((r) => [r.query.get("lens"), r.query.get("hours")])).toEqual([["shopping_list", "24"]]);
});

test("the 7 d toggle asks for 168 hours and says when there were no checks", async () => {
  const server = renderOps();
  await userEvent.click(await screen.findByRole("button", { name: "Trend for Shopping list" }));
  await screen.findByRole("img", { name: /p95 over the last 24 h/ });
  const period = screen.getByRole("group", { name: "Period" });
  expect(within(period).getByRole("button", { name: "24 h" })).toHaveAttribute("aria-pressed", "true");
  await userEvent.click(within(period).getByRole("button", { name: "7 d" }));
  expect(await screen.findByText("No checks in this period")).toBeInTheDocument();
  expect(within(period).getByRole("button", { name: "7 d" })).toHaveAttribute("aria-pressed", "true");
  const hours = server.requests.filter((r) => r.path === "/v1/ops/health/history").map((r) => r.query.get("hours"));
  expect(hours).toEqual(["24", "168"]);
});

test("open alerts are listed, firing before pending and critical first, with lens, summary and since when", async () => {
  renderOps();
  const section = await screen.findByRole("region", { name: "Alerts" });
  const items = await within(section).findAllByRole("listitem");
  expect(items).toHaveLength(3);
  expect(within(items[0]).getByText("firing")).toHaveClass("badge-bad");
  expect(within(items[0]).getByText("critical")).toHaveClass("badge-bad");
  expect(items[0]).toHaveTextContent("Faults");
  expect(items[0]).toHaveTextContent("unhealthy on 2 checks in a row");
  expect(items[0]).toHaveTextContent("since 30 min ago");
  expect(within(items[1]).getByText("firing")).toHaveClass("badge-warn");
  expect(within(items[1]).getByText("warning")).toHaveClass("badge-warn");
  expect(items[1]).toHaveTextContent("Parts");
  expect(within(items[2]).getByText("pending")).toHaveClass("badge-info");
  expect(items[2]).toHaveTextContent("Receiving");
  expect(items[2]).toHaveTextContent("since 10 min ago");
});

test("no alerts says so", async () => {
  renderOps(opsServer().on("GET /v1/ops/alerts", () => ({ yacht_id: TEST_YACHT, alerts: [] })));
  expect(await screen.findByText("No open alerts")).toBeInTheDocument();
});

test("a flag row shows its state here, canary percentage, override and rollout stage", async () => {
  renderOps();
  const table = await screen.findByRole("table", { name: "Feature flags on this yacht" });
  const fault = within(table).getByRole("rowheader", { name: "FAULT_LENS_V1_ENABLED" }).closest("tr")!;
  expect(within(fault).getByText("on")).toHaveClass("badge-ok");
  expect(fault).toHaveTextContent("20 %");
  await waitFor(() => expect(fault).toHaveTextContent("stage 2 of 4 (20 %), running"));
  const certs = within(table).getByRole("rowheader", { name: "CERTIFICATES_LENS_V1_ENABLED" }).closest("tr")!;
  expect(within(certs).getByText("off")).toHaveClass("badge-muted");
  expect(certs).toHaveTextContent("overridden: off");
});

test("one section failing leaves the others standing", async () => {
  renderOps(opsServer().on("GET /v1/ops/alerts", () => envelope(500, "internal_error", "alerts table unreadable")));
  const alerts = await screen.findByRole("region", { name: "Alerts" });
  expect(await within(alerts).findByRole("alert")).toHaveTextContent("alerts table unreadable (internal_error)");
  expect(await healthRow("Parts")).toBeInTheDocument();
  expect(await screen.findByRole("table", { name: "Feature flags on this yacht" })).toBeInTheDocument();
});

test("Refresh reads every section again", async () => {
  const server = renderOps();
  await healthRow("Parts");
  await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
  const paths = ["/v1/ops/health", "/v1/ops/alerts", "/v1/flags", "/v1/ops/rollouts"];
  await waitFor(() => {
    for (const path of paths) expect(server.requests.filter((r) => r.path === path)).toHaveLength(2);
  });
});
