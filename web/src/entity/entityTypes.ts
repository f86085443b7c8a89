// What the app knows about each kind of record it can open at /entity/:type/:id: which lens
// owns it, which READ action shows it (and its id field), how to name it, and where its state
// history lives. Read from the lens handlers under src/lenses/ and docs/api.md.
import type { ActionDef, FieldDef } from "../api/types";
import { stockState } from "../app/status";

export type Detail = Record<string, unknown>;

/** One state move, as the shopping list, faults and work orders lenses answer it. */
export interface HistoryEntry {
  from_status: string | null;
  to_status: string;
  actor_id: string;
  actor_role: string;
  at: string;
  notes: string | null;
}

/** Where a record's state history comes from. */
export type HistorySource =
  | { from: "detail" } // the detail result's own `history` array
  | { from: "action"; action: string }; // a READ action answering {history: [...]}

/** A nested array whose rows are records of another type: `column` links to the one `idKey` names. */
export interface RowLink {
  type: string;
  idKey: string;
  column: string;
}

export interface EntityTypeDef {
  type: string;
  /** "Work order": what one such record is called. */
  label: string;
  lens: string;
  detailAction: string;
  idField: string;
  title: (detail: Detail) => string;
  status: (detail: Detail) => string | null;
  history: HistorySource | null;
  rowLinks?: Record<string, RowLink>;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function statusField(detail: Detail): string | null {
  return typeof detail.status === "string" ? detail.status : null;
}

/** The parts lens has no stored status: the stock state the parts list shows is the part's. */
function partStatus(detail: Detail): string | null {
  const { on_hand, min_level } = detail;
  if (typeof on_hand !== "number" || typeof min_level !== "number") return null;
  return stockState({ on_hand, min_level });
}

const TYPES: EntityTypeDef[] = [
  {
    type: "shopping_list_item",
    label: "Shopping list item",
    lens: "shopping_list",
    detailAction: "view_shopping_list_item",
    idField: "item_id",
    title: (d) => text(d.part_name),
    status: statusField,
    history: { from: "action", action: "view_shopping_list_history" },
  },
  {
    type: "part",
    label: "Part",
    lens: "parts",
    detailAction: "view_part_detail",
    idField: "part_id",
    title: (d) => text(d.name),
    status: partStatus,
    history: null,
  },
  {
    type: "purchase_order",
    label: "Purchase order",
    lens: "receiving",
    detailAction: "view_purchase_order",
    idField: "purchase_order_id",
    title: (d) => (d.supplier ? `Purchase order to ${text(d.supplier)}` : ""),
    status: statusField,
    history: null,
    rowLinks: {
      items: { type: "shopping_list_item", idKey: "shopping_list_item_id", column: "part_name" },
      receivings: { type: "receiving", idKey: "id", column: "status" },
    },
  },
  {
    type: "receiving",
    label: "Delivery",
    lens: "receiving",
    detailAction: "view_receiving_detail",
    idField: "receiving_id",
    title: (d) => (d.reference ? `Delivery ${text(d.reference)}` : "Delivery"),
    status: statusField,
    history: null,
    rowLinks: { lines: { type: "part", idKey: "part_id", column: "part_name" } },
  },
  {
    type: "fault",
    label: "Fault",
    lens: "faults",
    detailAction: "view_fault_detail",
    idField: "fault_id",
    title: (d) => text(d.title),
    status: statusField,
    history: { from: "detail" },
  },
  {
    type: "work_order",
    label: "Work order",
    lens: "work_orders",
    detailAction: "view_work_order_detail",
    idField: "work_order_id",
    title: (d) => text(d.title),
    status: statusField,
    history: { from: "detail" },
    rowLinks: { parts_consumed: { type: "part", idKey: "part_id", column: "part_name" } },
  },
  {
    type: "equipment",
    label: "Equipment",
    lens: "equipment",
    detailAction: "view_equipment_detail",
    idField: "equipment_id",
    title: (d) => text(d.name),
    status: () => null,
    history: null,
    rowLinks: {
      children: { type: "equipment", idKey: "id", column: "name" },
      open_faults: { type: "fault", idKey: "id", column: "title" },
      open_work_orders: { type: "work_order", idKey: "id", column: "title" },
      parts_consumed: { type: "part", idKey: "part_id", column: "part_name" },
    },
  },
  {
    type: "certificate",
    label: "Certificate",
    lens: "certificates",
    detailAction: "view_certificate_detail",
    idField: "certificate_id",
    title: (d) => [text(d.certificate_type), text(d.number)].filter(Boolean).join(" "),
    status: statusField,
    history: null,
  },
];

export const ENTITY_TYPES: Readonly<Record<string, EntityTypeDef>> = Object.fromEntries(
  TYPES.map((t) => [t.type, t]),
);

/** Scalar fields that name another record: shown as a link to it. */
export const LINK_FIELDS: Readonly<Record<string, string>> = {
  part_id: "part",
  equipment_id: "equipment",
  parent_id: "equipment",
  fault_id: "fault",
  work_order_id: "work_order",
  source_work_order_id: "work_order",
  purchase_order_id: "purchase_order",
  shopping_list_item_id: "shopping_list_item",
  supersedes: "certificate",
  superseded_by: "certificate",
};

/** Fields that hold a user's id: shown as the member's name. */
export function isUserField(key: string): boolean {
  return (
    !(key in LINK_FIELDS) &&
    (key.endsWith("_by") || ["actor_id", "author_id", "assigned_to", "holder_user_id"].includes(key))
  );
}

/** The id field through which an action acts on a record of this type, if it has one. */
function targetField(action: ActionDef, def: EntityTypeDef): FieldDef | undefined {
  return action.fields.find(
    (f) => f.required && f.type === "uuid" && (f.references ? f.references === def.type : f.name === def.idField),
  );
}

/**
 * The actions the caller may take on this record: every non-READ action in the registry
 * whose required id field names this type. A role or a lens the registry leaves out has none.
 */
export function applicableActions(actions: ActionDef[], def: EntityTypeDef): { action: ActionDef; field: string }[] {
  const out: { action: ActionDef; field: string }[] = [];
  for (const action of actions) {
    if (action.variant === "READ") continue;
    const field = targetField(action, def);
    if (field) out.push({ action, field: field.name });
  }
  return out;
}
