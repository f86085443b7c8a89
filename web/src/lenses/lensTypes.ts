// The rows the lens views read, as the server's list actions answer them (docs/api.md and the
// handlers under src/lenses/). Only the fields the views use are named; ids are lower-case UUIDs
// and dates are "YYYY-MM-DD" or RFC 3339 text.

/** list_shopping_list_items → {items, next_cursor}. */
export interface ShoppingListItem {
  id: string;
  part_name: string;
  part_id: string | null;
  unit: string | null;
  quantity_requested: number;
  quantity_approved: number | null;
  urgency: string;
  required_by_date: string | null;
  status: string;
  is_candidate_part: boolean;
  created_by: string;
  created_at: string;
}

/** list_parts → {parts, next_cursor}: the catalog part with its stock on hand. */
export interface Part {
  id: string;
  name: string;
  part_number: string | null;
  manufacturer: string | null;
  unit: string | null;
  min_level: number;
  location: string | null;
  on_hand: number;
}

/** list_purchase_orders → {purchase_orders, next_cursor}. */
export interface PurchaseOrder {
  id: string;
  supplier: string;
  reference: string | null;
  status: string;
  expected_date: string | null;
  created_at: string;
}

/** list_receivings → {receivings, next_cursor}: a delivery without its lines. */
export interface Receiving {
  id: string;
  purchase_order_id: string | null;
  status: string;
  reference: string | null;
  created_at: string;
}

/** list_faults → {faults, next_cursor}. */
export interface Fault {
  id: string;
  title: string;
  severity: string;
  status: string;
  reported_at: string;
}

/** list_work_orders → {work_orders, next_cursor}. */
export interface WorkOrder {
  id: string;
  title: string;
  priority: string;
  status: string;
  assigned_to: string | null;
  due_date: string | null;
  created_at: string;
}

/** list_equipment with view "tree" → {view, q, count, equipment: [roots]}. */
export interface EquipmentNode {
  id: string;
  parent_id: string | null;
  name: string;
  system: string | null;
  location: string | null;
  criticality: string;
  children: EquipmentNode[];
}

export interface EquipmentTreeAnswer {
  view: "tree";
  count: number;
  equipment: EquipmentNode[];
}

/** One entry of list_due_maintenance → {as_of, within_days, within_hours, count, due}. */
export interface DueMaintenance {
  schedule_id: string;
  task: string;
  equipment_id: string;
  equipment_name: string;
  status: "due" | "upcoming";
  due_by: string | null;
  next_due_at: string | null;
  next_due_hours: number | null;
  days_overdue: number | null;
  hours_overdue: number | null;
  open_work_order_id: string | null;
}

export interface DueMaintenanceAnswer {
  as_of: string;
  within_days: number;
  count: number;
  due: DueMaintenance[];
}

/** list_certificates → {certificates, next_cursor, today, warning_days}. */
export interface Certificate {
  id: string;
  scope: string;
  holder_name: string | null;
  certificate_type: string;
  number: string;
  issuing_authority: string;
  expiry_date: string;
  status: "valid" | "expiring" | "expired" | "superseded";
  days_to_expiry: number;
}
