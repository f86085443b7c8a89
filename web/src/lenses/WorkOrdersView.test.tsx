// The work orders lens against a scripted server: the All / Mine / Overdue filters sent as
// list_work_orders' own fields, badges, and overdue due dates highlighted.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeServer, TEST_USER, TEST_YACHT, makeSession, membership, renderWithSession } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { WorkOrdersView } from "./WorkOrdersView";
import { CREW_ACTIONS, HOD_ACTIONS, readAnswer } from "../actions/testRegistry";

const BOSUN_ID = "66666666-6666-4666-8666-666666666666";

function workOrder(n: number, title: string, overrides: Record<string, unknown>) {
  return {
    id: `0193e000-0000-7000-8000-00000000000${n}`,
    origin: "manual",
    fault_id: null,
    schedule_id: null,
    equipment_id: null,
    title,
    description: null,
    priority: "normal",
    status: "planned",
    assigned_to: null,
    due_date: null,
    created_by: BOSUN_ID,
    created_at: "2026-11-30T08:00:00.000000Z",
    updated_at: "2026-11-30T08:00:00.000000Z",
    started_at: null,
    completed_by: null,
    completed_at: null,
    completion_notes: null,
    running_hours_reading: null,
    cancelled_by: null,
    cancelled_at: null,
    cancel_reason: null,
    ...overrides,
  };
}

const OIL_CHANGE = workOrder(1, "Change generator oil", { assigned_to: TEST_USER.id, due_date: "2020-01-15", priority: "high" });
const ANTIFOUL = workOrder(2, "Touch up antifouling", { assigned_to: BOSUN_ID, due_date: "2099-06-01", status: "on_hold" });
const SEACOCKS = workOrder(3, "Service seacocks", { assigned_to: TEST_USER.id, due_date: "2020-02-01", status: "completed" });
const WINCH = workOrder(4, "Grease anchor winch", { due_date: "2020-03-01", status: "in_progress", priority: "critical" });

function payloadOf(r: Recorded): Record<string, unknown> {
  return (r.body as { payload: Record<string, unknown> }).payload;
}

function server() {
  return new FakeServer()
    .on("EXECUTE list_work_orders", (r) => {
      const p = payloadOf(r);
      const orders =
        p.assignee === "me" ? [OIL_CHANGE, SEACOCKS] : p.overdue === true ? [OIL_CHANGE, WINCH] : [OIL_CHANGE, ANTIFOUL, SEACOCKS, WINCH];
      return readAnswer("list_work_orders", { work_orders: orders, next_cursor: null });
    })
    .on("GET /v1/members", () => ({
      yacht_id: TEST_YACHT,
      members: [
        { user_id: TEST_USER.id, name: TEST_USER.name, role: "crew" },
        { user_id: BOSUN_ID, name: "Bo Bosun", role: "crew" },
      ],
    }));
}

function renderAs(s: FakeServer, role: "captain" | "crew" = "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<WorkOrdersView />, makeSession(s, { membership: membership(role), actions }));
}

function row(title: string): HTMLElement {
  return screen.getByRole("link", { name: title }).closest("li") as HTMLElement;
}

function titles(): string[] {
  return screen.getAllByRole("link").map((a) => a.textContent ?? "");
}

test("shows every work order with status and priority badges, and its assignee", async () => {
  renderAs(server());
  await screen.findByRole("link", { name: "Change generator oil" });
  expect(screen.getByRole("button", { name: "All" })).toHaveAttribute("aria-pressed", "true");
  expect(titles()).toEqual(["Change generator oil", "Touch up antifouling", "Service seacocks", "Grease anchor winch"]);
  expect(within(row("Change generator oil")).getByText("High priority")).toHaveClass("badge", "badge-warn");
  expect(within(row("Touch up antifouling")).getByText("On hold")).toHaveClass("badge-warn");
  expect(within(row("Grease anchor winch")).getByText("Critical priority")).toHaveClass("badge-bad");
  expect(await within(row("Touch up antifouling")).findByText("Assigned to Bo Bosun")).toBeInTheDocument();
  expect(within(row("Grease anchor winch")).getByText("Unassigned")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Change generator oil" })).toHaveAttribute("href", `/entity/work_order/${OIL_CHANGE.id}`);
});

test("highlights an open work order past its due date, not a completed or future one", async () => {
  renderAs(server());
  await screen.findByRole("link", { name: "Change generator oil" });
  expect(within(row("Change generator oil")).getByText("Overdue")).toHaveClass("badge-bad");
  expect(within(row("Change generator oil")).getByText("Due 2020-01-15")).toHaveClass("lens-overdue");
  expect(within(row("Service seacocks")).queryByText("Overdue")).not.toBeInTheDocument();
  expect(within(row("Service seacocks")).getByText("Due 2020-02-01")).not.toHaveClass("lens-overdue");
  expect(within(row("Touch up antifouling")).queryByText("Overdue")).not.toBeInTheDocument();
});

test("Mine asks the server for the caller's work orders", async () => {
  const s = server();
  renderAs(s);
  await screen.findByRole("link", { name: "Touch up antifouling" });
  await userEvent.click(screen.getByRole("button", { name: "Mine" }));
  expect(screen.getByRole("button", { name: "Mine" })).toHaveAttribute("aria-pressed", "true");
  expect(screen.getByRole("button", { name: "All" })).toHaveAttribute("aria-pressed", "false");
  await screen.findByRole("link", { name: "Service seacocks" });
  expect(titles()).toEqual(["Change generator oil", "Service seacocks"]);
  expect(payloadOf(s.executed("list_work_orders").at(-1)!)).toEqual({ limit: 100, assignee: "me" });
});

test("Overdue asks the server for overdue work orders", async () => {
  const s = server();
  renderAs(s);
  await screen.findByRole("link", { name: "Touch up antifouling" });
  await userEvent.click(screen.getByRole("button", { name: "Overdue" }));
  await screen.findByRole("link", { name: "Grease anchor winch" });
  expect(screen.queryByRole("link", { name: "Touch up antifouling" })).not.toBeInTheDocument();
  expect(titles()).toEqual(["Change generator oil", "Grease anchor winch"]);
  expect(payloadOf(s.executed("list_work_orders").at(-1)!)).toEqual({ limit: 100, overdue: true });
});

test("says so when nothing is assigned to me", async () => {
  const s = new FakeServer().on("EXECUTE list_work_orders", () => readAnswer("list_work_orders", { work_orders: [], next_cursor: null }));
  renderAs(s);
  await screen.findByText(/No work orders yet/);
  await userEvent.click(screen.getByRole("button", { name: "Mine" }));
  expect(await screen.findByText("No work orders are assigned to you.")).toBeInTheDocument();
});

test("offers creating a work order only to a role the registry allows", async () => {
  renderAs(server(), "captain");
  await screen.findByRole("link", { name: "Change generator oil" });
  expect(screen.getByRole("button", { name: "Create work order" })).toBeInTheDocument();
});

test("a crew member is not offered creating a work order", async () => {
  renderAs(server(), "crew");
  await screen.findByRole("link", { name: "Change generator oil" });
  expect(screen.queryByRole("button", { name: "Create work order" })).not.toBeInTheDocument();
});
