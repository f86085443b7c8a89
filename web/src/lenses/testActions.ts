// Fixtures for the lens view tests: registry entries (ActionDef) as GET /v1/actions/list
// answers them (labels and fields from src/lenses/*), the action sets a head of department
// and a crew member get, and READ answers in the execute envelope (CONTRACT §1).
import type { ActionDef, FieldDef, Variant } from "../api/types";

const HOD = ["chief_engineer", "chief_officer", "captain", "manager"];
const ALL = ["crew", "purser", ...HOD];

export function field(name: string, type: FieldDef["type"], required = false, extra: Partial<FieldDef> = {}): FieldDef {
  return { name, type, required, label: name, ...extra };
}

function id(name: string, references: string, required = true): FieldDef {
  return field(name, "uuid", required, { references });
}

export function actionDef(
  action_id: string,
  label: string,
  domain: string,
  variant: Variant,
  allowed_roles: string[],
  fields: FieldDef[],
  signer_roles: string[] = [],
): ActionDef {
  return { action_id, label, domain, variant, allowed_roles, signer_roles, fields, search_keywords: [] };
}

export const CREATE_ITEM = actionDef("create_shopping_list_item", "Add to shopping list", "shopping_list", "MUTATE", ALL, [
  field("part_name", "string", true),
  field("quantity_requested", "number", true, { min: 0, min_exclusive: true }),
  field("source_type", "enum", true, { enum: ["manual_add", "low_stock", "work_order", "fault"] }),
  id("part_id", "part", false),
  field("part_number", "string"),
  field("manufacturer", "string"),
  field("unit", "string"),
]);
export const REVIEW_ITEM = actionDef("review_shopping_list_item", "Review request", "shopping_list", "MUTATE", HOD, [
  id("item_id", "shopping_list_item"),
  field("notes", "text"),
]);
export const APPROVE_ITEM = actionDef("approve_shopping_list_item", "Approve request", "shopping_list", "MUTATE", HOD, [
  id("item_id", "shopping_list_item"),
  field("quantity_approved", "number", true, { min: 0, min_exclusive: true }),
  field("approval_notes", "text"),
]);
export const REJECT_ITEM = actionDef("reject_shopping_list_item", "Reject request", "shopping_list", "MUTATE", HOD, [
  id("item_id", "shopping_list_item"),
  field("rejection_reason", "string", true, { max_length: 500 }),
]);
export const LIST_ITEMS = actionDef("list_shopping_list_items", "Shopping list", "shopping_list", "READ", ALL, []);

export const ADD_PART = actionDef("add_part", "Add part to catalog", "parts", "MUTATE", [...HOD, "purser"], [
  field("name", "string", true),
]);
export const VIEW_PART = actionDef("view_part_detail", "View part", "parts", "READ", ALL, [id("part_id", "part")]);
export const RECEIVE_PART = actionDef("receive_part", "Receive stock", "parts", "MUTATE", ALL, [
  id("part_id", "part"),
  field("quantity", "number", true),
  field("idempotency_key", "string", true, { max_length: 200 }),
]);
export const CONSUME_PART = actionDef("consume_part", "Use stock", "parts", "MUTATE", ALL, [
  id("part_id", "part"),
  field("quantity", "number", true),
  id("work_order_id", "work_order", false),
  field("idempotency_key", "string"),
]);
export const ADJUST_STOCK = actionDef(
  "adjust_stock",
  "Adjust stock (stock-take)",
  "parts",
  "SIGNED",
  [...HOD, "purser"],
  [id("part_id", "part"), field("new_quantity", "number", true), field("reason", "string", true)],
  ["chief_engineer", "captain", "manager"],
);

export const CREATE_PO = actionDef("create_purchase_order", "Create purchase order", "receiving", "MUTATE", [...HOD, "purser"], [
  field("supplier", "string", true),
  field("item_ids", "array", true),
]);
export const CREATE_RECEIVING = actionDef("create_receiving", "Record delivery", "receiving", "MUTATE", ALL, [
  field("lines", "array", true),
  id("purchase_order_id", "purchase_order", false),
]);

export const REPORT_FAULT = actionDef("report_fault", "Report fault", "faults", "MUTATE", ALL, [
  field("title", "string", true),
  field("severity", "enum", true, { enum: ["low", "medium", "high", "critical"] }),
]);

export const CREATE_WORK_ORDER = actionDef("create_work_order", "Create work order", "work_orders", "MUTATE", HOD, [
  field("title", "string", true),
]);

export const ADD_EQUIPMENT = actionDef("add_equipment", "Add equipment", "equipment", "MUTATE", HOD, [
  field("name", "string", true),
  id("parent_id", "equipment", false),
]);
export const GENERATE_DUE = actionDef(
  "generate_due_work_orders",
  "Generate work orders for due maintenance",
  "equipment",
  "MUTATE",
  HOD,
  [field("within_days", "integer")],
);

export const ADD_CERTIFICATE = actionDef("add_certificate", "Add certificate", "certificates", "MUTATE", HOD, [
  field("certificate_type", "string", true),
]);
export const RENEW_CERTIFICATE = actionDef(
  "renew_certificate_with_approval",
  "Renew certificate (signed)",
  "certificates",
  "SIGNED",
  HOD,
  [id("certificate_id", "certificate"), field("new_number", "string", true)],
  ["captain", "manager"],
);

/** What a captain may initiate with every lens on, and what a crew member may. */
export const HOD_ACTIONS = [
  CREATE_ITEM, REVIEW_ITEM, APPROVE_ITEM, REJECT_ITEM, LIST_ITEMS, ADD_PART, VIEW_PART, RECEIVE_PART, CONSUME_PART,
  ADJUST_STOCK, CREATE_PO, CREATE_RECEIVING, REPORT_FAULT, CREATE_WORK_ORDER, ADD_EQUIPMENT, GENERATE_DUE,
  ADD_CERTIFICATE, RENEW_CERTIFICATE,
];
export const CREW_ACTIONS = [CREATE_ITEM, LIST_ITEMS, VIEW_PART, RECEIVE_PART, CONSUME_PART, CREATE_RECEIVING, REPORT_FAULT];

/** A READ action's answer as POST /v1/actions/execute sends it. */
export function readAnswer(action: string, result: Record<string, unknown>) {
  return { success: true, action, entity_id: "", result, request_id: "req-test" };
}
