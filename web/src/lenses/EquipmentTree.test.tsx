// The equipment lens against a scripted server: the tree as list_equipment nests it, expanding
// and collapsing by keyboard, and due maintenance on the equipment and in its own section.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeServer, TEST_USER, makeSession, membership, renderWithSession } from "../test/fakeServer";
import type { Recorded } from "../test/fakeServer";
import { EquipmentTree } from "./EquipmentTree";
import { CREW_ACTIONS, HOD_ACTIONS, readAnswer } from "../actions/testRegistry";

const ENGINE = "0193f000-0000-7000-8000-000000000001";
const FUEL_SYSTEM = "0193f000-0000-7000-8000-000000000002";
const INJECTION_PUMP = "0193f000-0000-7000-8000-000000000003";
const GENERATOR = "0193f000-0000-7000-8000-000000000004";
const WORK_ORDER = "0193e000-0000-7000-8000-000000000009";

function node(id: string, name: string, parent_id: string | null, overrides: Record<string, unknown>, children: unknown[] = []) {
  return {
    id,
    parent_id,
    name,
    system: null,
    manufacturer: null,
    model: null,
    serial_number: null,
    location: null,
    criticality: "medium",
    running_hours: 0,
    running_hours_at: null,
    created_by: TEST_USER.id,
    created_at: "2026-11-01T08:00:00.000000Z",
    updated_at: "2026-11-01T08:00:00.000000Z",
    ...overrides,
    children,
  };
}

const TREE = {
  view: "tree",
  q: null,
  count: 4,
  equipment: [
    node(GENERATOR, "Generator 1", null, { system: "Electrical", location: "Engine room" }),
    node(ENGINE, "Main engine", null, { system: "Propulsion", location: "Engine room", criticality: "critical" }, [
      node(FUEL_SYSTEM, "Fuel system", ENGINE, { system: "Fuel" }, [
        node(INJECTION_PUMP, "Fuel injection pump", FUEL_SYSTEM, { system: "Fuel", location: "Port side" }),
      ]),
    ]),
  ],
};

function due(schedule: number, task: string, equipment_id: string, equipment_name: string, overrides: Record<string, unknown>) {
  return {
    schedule_id: `01940000-0000-7000-8000-00000000000${schedule}`,
    task,
    description: null,
    equipment_id,
    equipment_name,
    criticality: "critical",
    interval_days: 180,
    interval_hours: null,
    last_done_at: "2026-05-20T08:00:00.000000Z",
    last_done_hours: null,
    running_hours: 1200,
    status: "due",
    due_by: "calendar",
    next_due_at: "2026-11-16T08:00:00.000000Z",
    next_due_hours: null,
    days_overdue: 20,
    hours_overdue: null,
    open_work_order_id: null,
    ...overrides,
  };
}

const DUE = {
  as_of: "2026-12-06T10:00:00.000000Z",
  within_days: 30,
  within_hours: 0,
  count: 2,
  due: [
    due(1, "Replace injector seals", INJECTION_PUMP, "Fuel injection pump", { open_work_order_id: WORK_ORDER }),
    due(2, "Generator load test", GENERATOR, "Generator 1", {
      status: "upcoming",
      criticality: "medium",
      next_due_at: "2026-12-20T08:00:00.000000Z",
      days_overdue: -14,
    }),
  ],
};

function server(dueAnswer: Record<string, unknown> = DUE) {
  return new FakeServer()
    .on("EXECUTE list_equipment", () => readAnswer("list_equipment", TREE))
    .on("EXECUTE list_due_maintenance", () => readAnswer("list_due_maintenance", dueAnswer));
}

function renderAs(s: FakeServer, role: "captain" | "crew" = "crew") {
  const actions = role === "captain" ? HOD_ACTIONS : CREW_ACTIONS;
  return renderWithSession(<EquipmentTree />, makeSession(s, { membership: membership(role), actions }));
}

function payloadOf(r: Recorded): Record<string, unknown> {
  return (r.body as { payload: Record<string, unknown> }).payload;
}

function treeRegion() {
  return screen.getByRole("region", { name: "All equipment" });
}

function item(name: string): HTMLElement {
  return within(treeRegion()).getByRole("link", { name }).closest("li") as HTMLElement;
}

test("reads the tree view and the due maintenance with its look-ahead", async () => {
  const s = server();
  renderAs(s);
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  expect(payloadOf(s.executed("list_equipment")[0])).toEqual({ view: "tree" });
  expect(payloadOf(s.executed("list_due_maintenance")[0])).toEqual({ within_days: 30 });
});

test("nests equipment under its parent, the top level open", async () => {
  renderAs(server());
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  const engine = item("Main engine");
  expect(within(engine).getByRole("link", { name: "Fuel system" })).toBeInTheDocument();
  expect(within(engine).getByText("Propulsion · Engine room")).toBeInTheDocument();
  expect(within(engine).getByRole("button", { name: "Sub-equipment of Main engine" })).toHaveAttribute("aria-expanded", "true");
  expect(within(item("Fuel system")).getByRole("button", { name: "Sub-equipment of Fuel system" })).toHaveAttribute(
    "aria-expanded",
    "false",
  );
  expect(within(treeRegion()).queryByRole("link", { name: "Fuel injection pump" })).not.toBeInTheDocument();
  expect(within(item("Generator 1")).queryByRole("button")).not.toBeInTheDocument();
  expect(within(item("Generator 1")).queryByRole("link", { name: "Fuel system" })).not.toBeInTheDocument();
});

test("expands and collapses a node from the keyboard", async () => {
  renderAs(server());
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  const toggle = within(item("Fuel system")).getByRole("button", { name: "Sub-equipment of Fuel system" });
  toggle.focus();
  await userEvent.keyboard("{Enter}");
  expect(toggle).toHaveAttribute("aria-expanded", "true");
  const pump = within(item("Fuel system")).getByRole("link", { name: "Fuel injection pump" });
  expect(pump).toHaveAttribute("href", `/entity/equipment/${INJECTION_PUMP}`);
  await userEvent.keyboard(" ");
  expect(toggle).toHaveAttribute("aria-expanded", "false");
  expect(within(treeRegion()).queryByRole("link", { name: "Fuel injection pump" })).not.toBeInTheDocument();
});

test("expands and collapses everything", async () => {
  renderAs(server());
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  await userEvent.click(screen.getByRole("button", { name: "Expand all" }));
  expect(within(treeRegion()).getByRole("link", { name: "Fuel injection pump" })).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Collapse all" }));
  expect(within(treeRegion()).queryByRole("link", { name: "Fuel system" })).not.toBeInTheDocument();
  expect(within(treeRegion()).getByRole("link", { name: "Main engine" })).toBeInTheDocument();
});

test("marks the equipment maintenance is due on", async () => {
  renderAs(server());
  await within(treeRegion()).findByText("Maintenance upcoming");
  expect(within(item("Generator 1")).getByText("Maintenance upcoming")).toHaveClass("badge", "badge-warn");
  await userEvent.click(screen.getByRole("button", { name: "Expand all" }));
  expect(within(item("Fuel injection pump")).getByText("Maintenance due")).toHaveClass("badge-bad");
  expect(within(item("Main engine").querySelector(".eq-node") as HTMLElement).queryByText(/Maintenance/)).not.toBeInTheDocument();
});

test("lists due maintenance, overdue in the bad tone, with its equipment and open work order", async () => {
  renderAs(server());
  const section = screen.getByRole("region", { name: "Due maintenance" });
  const seals = (await within(section).findByText("Replace injector seals")).closest("li") as HTMLElement;
  expect(within(seals).getByText("Overdue by 20 days")).toHaveClass("badge", "badge-bad");
  expect(within(seals).getByRole("link", { name: "Fuel injection pump" })).toHaveAttribute("href", `/entity/equipment/${INJECTION_PUMP}`);
  expect(within(seals).getByRole("link", { name: "Open work order" })).toHaveAttribute("href", `/entity/work_order/${WORK_ORDER}`);
  expect(seals).toHaveTextContent("Due 2026-11-16");
  const loadTest = within(section).getByText("Generator load test").closest("li") as HTMLElement;
  expect(within(loadTest).getByText("Upcoming")).toHaveClass("badge-warn");
});

test("offers generating work orders and adding equipment to a head of department only", async () => {
  const { unmount } = renderAs(server(), "captain");
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  expect(screen.getByRole("button", { name: "Generate work orders for due maintenance" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Add equipment" })).toBeInTheDocument();
  unmount();
  renderAs(server(), "crew");
  await within(treeRegion()).findByRole("link", { name: "Main engine" });
  expect(screen.queryByRole("button", { name: "Generate work orders for due maintenance" })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Add equipment" })).not.toBeInTheDocument();
});

test("says so when nothing falls due", async () => {
  renderAs(server({ ...DUE, count: 0, due: [] }));
  expect(await screen.findByText(/Nothing falls due in the next 30 days/)).toBeInTheDocument();
});
