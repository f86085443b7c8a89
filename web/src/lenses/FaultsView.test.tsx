// The faults lens against a scripted server: severity and status badges, open faults first,
// and the report action.
import { screen, within } from "@testing-library/react";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import { FaultsView } from "./FaultsView";
import { CREW_ACTIONS, readAnswer } from "../actions/testRegistry";

function fault(n: number, title: string, severity: string, status: string) {
  return {
    id: `0193d000-0000-7000-8000-00000000000${n}`,
    equipment_id: null,
    title,
    description: null,
    severity,
    status,
    reported_by: TEST_USER.id,
    reported_at: `2026-12-0${n}T07:15:00.000000Z`,
    updated_at: `2026-12-0${n}T07:15:00.000000Z`,
    acknowledged_by: null,
    acknowledged_at: null,
    work_order_id: null,
    resolution: null,
    resolved_without_work_order: false,
    closed_by: null,
    closed_at: null,
  };
}

// Newest first, as list_faults answers.
const FAULTS = [
  fault(4, "Bilge alarm chirps", "low", "closed"),
  fault(3, "Port watermaker low output", "medium", "acknowledged"),
  fault(2, "Stabiliser fin noise", "high", "resolved"),
  fault(1, "Generator 2 overheating", "critical", "open"),
];

function renderFaults(faults = FAULTS) {
  const s = new FakeServer().on("EXECUTE list_faults", () => readAnswer("list_faults", { faults, next_cursor: null }));
  return renderWithSession(<FaultsView />, makeSession(s, { membership: membership("crew"), actions: CREW_ACTIONS }));
}

test("lists open faults first, closed last", async () => {
  renderFaults();
  await screen.findByRole("link", { name: "Generator 2 overheating" });
  expect(screen.getAllByRole("link").map((a) => a.textContent)).toEqual([
    "Generator 2 overheating",
    "Port watermaker low output",
    "Stabiliser fin noise",
    "Bilge alarm chirps",
  ]);
});

test("shows severity and status badges, linked to the fault", async () => {
  renderFaults();
  const link = await screen.findByRole("link", { name: "Generator 2 overheating" });
  expect(link).toHaveAttribute("href", `/entity/fault/${FAULTS[3].id}`);
  const row = within(link.closest("li") as HTMLElement);
  expect(row.getByText("Critical severity")).toHaveClass("badge", "badge-bad");
  expect(row.getByText("Open")).toHaveClass("badge-warn");
  expect(row.getByText("Reported 2026-12-01")).toBeInTheDocument();
  const closed = within(screen.getByRole("link", { name: "Bilge alarm chirps" }).closest("li") as HTMLElement);
  expect(closed.getByText("Low severity")).toHaveClass("badge-muted");
  expect(closed.getByText("Closed")).toHaveClass("badge-ok");
});

test("offers reporting a fault", async () => {
  renderFaults();
  await screen.findByRole("link", { name: "Generator 2 overheating" });
  expect(screen.getByRole("button", { name: "Report fault" })).toBeInTheDocument();
});

test("says what to do when no fault is reported", async () => {
  renderFaults([]);
  expect(await screen.findByText(/No faults reported/)).toBeInTheDocument();
});
