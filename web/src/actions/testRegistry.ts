// The one action registry the component tests use: every action as GET /v1/actions/list
// describes it (ids, labels, variants, roles, signers and fields copied from the lens
// definitions under src/lenses/*/ and the builders in src/actions/field_builders.h), and the
// actions a given role gets, as the server filters them. Search keywords are left out.
import type { ActionDef, FieldDef, Variant } from "../api/types";

// Roles in the server's order (auth/roles.h kAllRoles), as allowed_roles lists them.
const ALL = ["crew", "chief_engineer", "chief_officer", "captain", "purser", "manager"];
const HOD = ["chief_engineer", "chief_officer", "captain", "manager"];
const HOD_AND_PURSER = ["chief_engineer", "chief_officer", "captain", "purser", "manager"];
const URGENCIES = ["low", "normal", "high", "critical"];

// Field builders mirroring field_builders.h; DescribeField sends max_length for every string
// and text field (10000 bytes for a text without its own limit).
function field(name: string, type: FieldDef["type"], label: string): FieldDef {
  return type === "text"
    ? { name, type, required: false, label, max_length: 10000 }
    : { name, type, required: false, label };
}
function required(f: FieldDef): FieldDef {
  return { ...f, required: true };
}
function text(name: string, label: string, maxLength: number): FieldDef {
  return { ...field(name, "string", label), max_length: maxLength };
}
function id(name: string, references: string, label: string): FieldDef {
  return { ...field(name, "uuid", label), references };
}
function choice(name: string, label: string, values: string[]): FieldDef {
  return { ...field(name, "enum", label), enum: values };
}
function positive(name: string, label: string): FieldDef {
  return { ...field(name, "number", label), min: 0, min_exclusive: true };
}
function nonNegative(name: string, label: string): FieldDef {
  return { ...field(name, "number", label), min: 0 };
}
function integer(name: string, label: string, min: number, max: number): FieldDef {
  return { ...field(name, "integer", label), min, max };
}
const pageSize = () => integer("limit", "Page size", 1, 200);
const cursor = () => text("cursor", "Next page", 64);

function action(
  domain: string,
  action_id: string,
  label: string,
  variant: Variant,
  allowed_roles: string[],
  fields: FieldDef[],
  signer_roles: string[] = [],
): ActionDef {
  return { action_id, label, domain, variant, allowed_roles, signer_roles, fields, search_keywords: [] };
}

// src/lenses/shopping_list/action_defs.cc
const itemId = () => required(id("item_id", "shopping_list_item", "Shopping list item"));
const SHOPPING_LIST: ActionDef[] = [
  action("shopping_list", "create_shopping_list_item", "Add to shopping list", "MUTATE", ALL, [
    required(text("part_name", "Part name", 200)),
    required(positive("quantity_requested", "Quantity")),
    required(choice("source_type", "Source", ["manual_add", "low_stock", "work_order", "fault"])),
    id("part_id", "part", "Catalog part"),
    text("part_number", "Part number", 100),
    text("manufacturer", "Manufacturer", 200),
    text("unit", "Unit", 50),
    choice("urgency", "Urgency", URGENCIES),
    field("required_by_date", "date", "Required by"),
    id("source_work_order_id", "work_order", "Work order"),
    field("notes", "text", "Notes"),
  ]),
  action("shopping_list", "review_shopping_list_item", "Review request", "MUTATE", HOD, [
    itemId(),
    field("notes", "text", "Review notes"),
  ]),
  action("shopping_list", "approve_shopping_list_item", "Approve request", "MUTATE", HOD, [
    itemId(),
    required(positive("quantity_approved", "Approved quantity")),
    field("approval_notes", "text", "Approval notes"),
  ]),
  action("shopping_list", "reject_shopping_list_item", "Reject request", "MUTATE", HOD, [
    itemId(),
    required(text("rejection_reason", "Reason", 500)),
    field("rejection_notes", "text", "Rejection notes"),
  ]),
  action("shopping_list", "update_shopping_list_item", "Change request", "MUTATE", ALL, [
    itemId(),
    positive("quantity_requested", "Quantity"),
    choice("urgency", "Urgency", URGENCIES),
    field("required_by_date", "date", "Required by"),
    field("notes", "text", "Notes"),
  ]),
  action("shopping_list", "promote_candidate_to_part", "Promote to parts catalog", "MUTATE", ["chief_engineer", "manager"], [
    itemId(),
    text("part_number", "Part number", 100),
    nonNegative("min_level", "Minimum stock level"),
    text("location", "Storage location", 200),
  ]),
  action("shopping_list", "view_shopping_list_item", "View request", "READ", ALL, [itemId()]),
  action("shopping_list", "view_shopping_list_history", "Request history", "READ", ALL, [itemId()]),
  action("shopping_list", "list_shopping_list_items", "Shopping list", "READ", ALL, [
    choice("status", "Status", [
      "requested", "under_review", "approved", "ordered", "partially_fulfilled", "fulfilled", "rejected",
    ]),
    pageSize(),
    cursor(),
  ]),
];

// src/lenses/parts/parts_lens.cc
const partId = () => required(id("part_id", "part", "Part"));
const reference = () => text("reference", "Reference (delivery note, PO...)", 200);
const PARTS: ActionDef[] = [
  action("parts", "add_part", "Add part to catalog", "MUTATE", HOD_AND_PURSER, [
    required(text("name", "Part name", 200)),
    text("part_number", "Part number", 100),
    text("manufacturer", "Manufacturer", 200),
    text("unit", "Unit", 50),
    nonNegative("min_level", "Minimum stock level"),
    text("location", "Storage location", 200),
  ]),
  action("parts", "receive_part", "Receive stock", "MUTATE", ALL, [
    partId(),
    required(positive("quantity", "Quantity")),
    required(text("idempotency_key", "Idempotency key", 200)),
    reference(),
  ]),
  action("parts", "consume_part", "Use stock", "MUTATE", ALL, [
    partId(),
    required(positive("quantity", "Quantity")),
    id("work_order_id", "work_order", "Work order"),
    text("idempotency_key", "Idempotency key", 200),
    reference(),
  ]),
  action("parts", "view_part_detail", "View part", "READ", ALL, [partId()]),
  action("parts", "list_parts", "Parts", "READ", ALL, [
    text("q", "Search", 100),
    field("low_stock_only", "boolean", "Low stock only"),
    pageSize(),
    cursor(),
  ]),
  action("parts", "view_low_stock", "Low stock", "READ", ALL, []),
  action(
    "parts",
    "adjust_stock",
    "Adjust stock (stock-take)",
    "SIGNED",
    HOD_AND_PURSER,
    [partId(), required(nonNegative("new_quantity", "Counted quantity")), required(text("reason", "Reason", 500))],
    ["chief_engineer", "captain", "manager"],
  ),
  action(
    "parts",
    "order_part_with_approval",
    "Order part (signed approval)",
    "SIGNED",
    ALL,
    [partId(), required(positive("quantity", "Quantity")), choice("urgency", "Urgency", URGENCIES), field("notes", "text", "Notes")],
    ["chief_engineer", "captain", "purser", "manager"],
  ),
];

// src/lenses/receiving/receiving_lens.cc
const orderId = () => required(id("purchase_order_id", "purchase_order", "Purchase order"));
const receivingId = () => required(id("receiving_id", "receiving", "Delivery"));
const RECEIVING: ActionDef[] = [
  action("receiving", "create_purchase_order", "Create purchase order", "MUTATE", HOD_AND_PURSER, [
    required(text("supplier", "Supplier", 200)),
    required(field("item_ids", "array", "Approved requests")),
    field("expected_date", "date", "Expected delivery"),
    text("reference", "Supplier reference", 100),
    field("notes", "text", "Notes"),
  ]),
  action("receiving", "view_purchase_order", "View purchase order", "READ", ALL, [orderId()]),
  action("receiving", "list_purchase_orders", "Purchase orders", "READ", ALL, [
    choice("status", "Status", ["ordered", "partially_received", "received", "cancelled"]),
    pageSize(),
    cursor(),
  ]),
  action("receiving", "cancel_purchase_order", "Cancel purchase order", "MUTATE", HOD, [
    orderId(),
    text("reason", "Reason", 500),
  ]),
  action("receiving", "create_receiving", "Record delivery", "MUTATE", ALL, [
    id("purchase_order_id", "purchase_order", "Purchase order"),
    required({ ...field("lines", "array", "What arrived"), example: '[{"part_id": "@list_parts", "quantity_received": 1}]' }),
    text("reference", "Delivery note", 100),
    field("notes", "text", "Notes"),
  ]),
  action(
    "receiving",
    "accept_receiving",
    "Accept delivery (signed)",
    "SIGNED",
    ALL,
    [receivingId()],
    HOD_AND_PURSER,
  ),
  action("receiving", "reject_receiving", "Reject delivery", "MUTATE", HOD, [
    receivingId(),
    required(text("reason", "Reason", 500)),
  ]),
  action("receiving", "view_receiving_detail", "View delivery", "READ", ALL, [receivingId()]),
  action("receiving", "list_receivings", "Deliveries", "READ", ALL, [
    choice("status", "Status", ["draft", "accepted", "rejected"]),
    id("purchase_order_id", "purchase_order", "Purchase order"),
    pageSize(),
    cursor(),
  ]),
];

// src/lenses/faults/faults_lens.cc
const faultId = () => required(id("fault_id", "fault", "Fault"));
const FAULTS: ActionDef[] = [
  action("faults", "report_fault", "Report fault", "MUTATE", ALL, [
    required(text("title", "What is wrong", 200)),
    required(choice("severity", "Severity", ["low", "medium", "high", "critical"])),
    id("equipment_id", "equipment", "Equipment"),
    field("description", "text", "Description"),
  ]),
  action("faults", "view_fault_detail", "View fault", "READ", ALL, [faultId()]),
  action("faults", "list_faults", "Faults", "READ", ALL, [
    choice("status", "Status", ["open", "acknowledged", "work_ordered", "resolved", "closed"]),
    id("equipment_id", "equipment", "Equipment"),
    pageSize(),
    cursor(),
  ]),
  action("faults", "acknowledge_fault", "Acknowledge fault", "MUTATE", HOD, [faultId(), field("notes", "text", "Notes")]),
  action(
    "faults",
    "create_work_order_from_fault",
    "Raise work order for fault (signed)",
    "SIGNED",
    ALL,
    [
      faultId(),
      required(text("title", "Work order title", 200)),
      choice("priority", "Priority", URGENCIES),
      field("due_date", "date", "Due date"),
      id("assigned_to", "user", "Assign to"),
    ],
    HOD,
  ),
  action("faults", "close_fault", "Close fault", "MUTATE", HOD, [
    faultId(),
    required(text("resolution", "Resolution", 2000)),
    field("resolution_without_work_order", "boolean", "Resolved without a work order"),
  ]),
];

// src/lenses/work_orders/action_defs.cc
const workOrderId = () => required(id("work_order_id", "work_order", "Work order"));
const WORK_ORDERS: ActionDef[] = [
  action("work_orders", "create_work_order", "Create work order", "MUTATE", HOD, [
    required(text("title", "Title", 200)),
    id("equipment_id", "equipment", "Equipment"),
    field("description", "text", "Description"),
    choice("priority", "Priority", URGENCIES),
    id("assigned_to", "user", "Assign to"),
    field("due_date", "date", "Due date"),
  ]),
  action("work_orders", "view_work_order_detail", "View work order", "READ", ALL, [workOrderId()]),
  action("work_orders", "list_work_orders", "Work orders", "READ", ALL, [
    choice("status", "Status", ["planned", "in_progress", "on_hold", "completed", "cancelled"]),
    text("assignee", "Assignee (a user id, or me)", 64),
    field("overdue", "boolean", "Overdue only"),
    pageSize(),
    cursor(),
  ]),
  action("work_orders", "assign_work_order", "Assign work order", "MUTATE", HOD, [
    workOrderId(),
    required(id("assigned_to", "user", "Assign to")),
  ]),
  action("work_orders", "start_work_order", "Start work order", "MUTATE", ALL, [workOrderId()]),
  action("work_orders", "hold_work_order", "Put work order on hold", "MUTATE", ALL, [
    workOrderId(),
    text("reason", "Reason", 500),
  ]),
  action("work_orders", "resume_work_order", "Resume work order", "MUTATE", ALL, [
    workOrderId(),
    text("notes", "Notes", 500),
  ]),
  action("work_orders", "add_work_order_note", "Add note to work order", "MUTATE", ALL, [
    workOrderId(),
    required(field("note", "text", "Note")),
  ]),
  action("work_orders", "complete_work_order", "Complete work order", "MUTATE", ALL, [
    workOrderId(),
    nonNegative("running_hours", "Running hours reading"),
    field("completion_notes", "text", "Completion notes"),
  ]),
  action("work_orders", "cancel_work_order", "Cancel work order", "MUTATE", HOD, [
    workOrderId(),
    required(text("reason", "Reason", 500)),
  ]),
];

// src/lenses/equipment/equipment_lens.cc
const equipmentId = () => required(id("equipment_id", "equipment", "Equipment"));
const lookahead = () => [
  integer("within_days", "Due within days", 0, 3650),
  nonNegative("within_hours", "Due within running hours"),
];
const EQUIPMENT: ActionDef[] = [
  action("equipment", "add_equipment", "Add equipment", "MUTATE", HOD, [
    required(text("name", "Name", 200)),
    id("parent_id", "equipment", "Part of"),
    text("system", "System", 100),
    text("manufacturer", "Manufacturer", 100),
    text("model", "Model", 100),
    text("serial_number", "Serial number", 100),
    text("location", "Location", 200),
    choice("criticality", "Criticality", ["low", "medium", "high", "critical"]),
    nonNegative("running_hours", "Running hours"),
  ]),
  action("equipment", "view_equipment_detail", "View equipment", "READ", ALL, [equipmentId()]),
  action("equipment", "list_equipment", "Equipment", "READ", ALL, [
    choice("view", "View", ["flat", "tree"]),
    text("q", "Search", 200),
    pageSize(),
    cursor(),
  ]),
  action("equipment", "update_running_hours", "Record running hours", "MUTATE", ALL, [
    equipmentId(),
    required(nonNegative("running_hours", "Running hours")),
  ]),
  action("equipment", "add_maintenance_schedule", "Add maintenance schedule", "MUTATE", HOD, [
    equipmentId(),
    required(text("task", "Task", 200)),
    integer("interval_days", "Every (days)", 1, 36500),
    positive("interval_hours", "Every (running hours)"),
    field("description", "text", "Description"),
    field("last_done_at", "datetime", "Last done"),
    nonNegative("last_done_hours", "Last done at running hours"),
  ]),
  action("equipment", "list_due_maintenance", "Due maintenance", "READ", ALL, lookahead()),
  action("equipment", "generate_due_work_orders", "Generate work orders for due maintenance", "MUTATE", HOD, lookahead()),
];

// src/lenses/certificates/certificates_lens.cc
const certificateId = () => required(id("certificate_id", "certificate", "Certificate"));
const RENEWAL_SIGNERS = ["captain", "manager"];
const CERTIFICATES: ActionDef[] = [
  action("certificates", "add_certificate", "Add certificate", "MUTATE", HOD, [
    required(text("certificate_type", "Certificate type", 100)),
    required(text("number", "Certificate number", 100)),
    required(text("issuing_authority", "Issuing authority", 200)),
    required(field("issue_date", "date", "Issue date")),
    required(field("expiry_date", "date", "Expiry date")),
    choice("scope", "Vessel or crew", ["vessel", "crew"]),
    id("holder_user_id", "user", "Holder (crew certificates)"),
  ]),
  action("certificates", "view_certificate_detail", "View certificate", "READ", ALL, [certificateId()]),
  action("certificates", "list_certificates", "Certificates", "READ", ALL, [
    choice("status", "Status", ["valid", "expiring", "expired", "superseded"]),
    integer("expiring_within_days", "Expiring within (days)", 0, 3650),
    pageSize(),
    cursor(),
  ]),
  action(
    "certificates",
    "renew_certificate_with_approval",
    "Renew certificate (signed)",
    "SIGNED",
    HOD,
    [
      certificateId(),
      required(text("new_number", "New certificate number", 100)),
      required(field("new_issue_date", "date", "New issue date")),
      required(field("new_expiry_date", "date", "New expiry date")),
    ],
    RENEWAL_SIGNERS,
  ),
  action("certificates", "set_certificate_warning_days", "Set certificate warning window", "MUTATE", RENEWAL_SIGNERS, [
    required(integer("warning_days", "Days before expiry to warn", 0, 730)),
  ]),
];

/** Every action of every lens, in registration order. */
export const REGISTRY: readonly ActionDef[] = [
  ...SHOPPING_LIST,
  ...PARTS,
  ...RECEIVING,
  ...FAULTS,
  ...WORK_ORDERS,
  ...EQUIPMENT,
  ...CERTIFICATES,
];

/** One action of the registry by id (throws for an id the server does not have). */
export function registryAction(actionId: string): ActionDef {
  const found = REGISTRY.find((a) => a.action_id === actionId);
  if (!found) throw new Error(`no action ${actionId} in the test registry`);
  return found;
}

/** What GET /v1/actions/list answers a role with every lens on: the actions it may initiate. */
export function actionsFor(role: string): ActionDef[] {
  return REGISTRY.filter((a) => a.allowed_roles.includes(role));
}

export const HOD_ACTIONS = actionsFor("captain");
export const CREW_ACTIONS = actionsFor("crew");

/** A READ action's answer as POST /v1/actions/execute sends it. */
export function readAnswer(action: string, result: Record<string, unknown>) {
  return { success: true, action, entity_id: "", result, request_id: "req-test" };
}

/** A MUTATE or SIGNED action's success answer (201 when it created a record). */
export function executed(action: string, entityId: string, result: Record<string, unknown> = {}) {
  return {
    success: true,
    action,
    entity_id: entityId,
    result,
    audit_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    request_id: "req-test",
  };
}
