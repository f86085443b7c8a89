// Records shaped as the server answers them (src/lenses/shopping_list, parts, work_orders,
// receiving, GET /v1/audit, GET /v1/members), for the entity page's component tests. The
// actions come from the shared test registry (actions/testRegistry.ts).
import type { AuditEntry, Member } from "../api/types";
import { TEST_USER, TEST_YACHT } from "../test/fakeServer";

export const ITEM_ID = "33333333-3333-4333-8333-333333333333";
export const PART_ID = "44444444-4444-4444-8444-444444444444";
export const CAPTAIN_ID = "55555555-5555-4555-8555-555555555555";

export const MEMBERS: Member[] = [
  { user_id: TEST_USER.id, name: TEST_USER.name, role: "crew" },
  { user_id: CAPTAIN_ID, name: "Cara Captain", role: "captain" },
];

export function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ITEM_ID,
    yacht_id: TEST_YACHT,
    part_name: "Raw water impeller",
    part_id: null,
    part_number: "JAB-1210",
    manufacturer: "Jabsco",
    unit: "pcs",
    quantity_requested: 4,
    quantity_approved: null,
    source_type: "manual_add",
    urgency: "high",
    required_by_date: "2026-12-20",
    source_work_order_id: null,
    notes: "Spare for the generator pump",
    status: "under_review",
    is_candidate_part: true,
    created_by: TEST_USER.id,
    created_at: "2026-12-01T09:15:00.000000Z",
    updated_at: "2026-12-02T08:00:00.000000Z",
    reviewed_by: CAPTAIN_ID,
    reviewed_at: "2026-12-02T08:00:00.000000Z",
    approved_by: null,
    approved_at: null,
    approval_notes: null,
    rejected_by: null,
    rejected_at: null,
    rejection_reason: null,
    rejection_notes: null,
    promoted_by: null,
    promoted_at: null,
    ...overrides,
  };
}

export const ITEM_HISTORY = {
  item_id: ITEM_ID,
  history: [
    { from_status: null, to_status: "requested", actor_id: TEST_USER.id, actor_role: "crew", at: "2026-12-01T09:15:00.000000Z", notes: null },
    { from_status: "requested", to_status: "under_review", actor_id: CAPTAIN_ID, actor_role: "captain", at: "2026-12-02T08:00:00.000000Z", notes: "Checking the budget" },
  ],
};

export function auditEntry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `66666666-6666-4666-8666-00000000000${seq}`,
    yacht_id: TEST_YACHT,
    seq,
    action: "create_shopping_list_item",
    entity_type: "shopping_list_item",
    entity_id: ITEM_ID,
    actor_id: TEST_USER.id,
    actor_role: "crew",
    payload: {},
    signature: null,
    request_id: `req-${seq}`,
    created_at: "2026-12-01T09:15:00.000000Z",
    hash: "9f2c1e0b7a6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a2918070f6e5d4c",
    ...overrides,
  };
}

export function part(): Record<string, unknown> {
  return {
    id: PART_ID,
    name: "Fuel filter element",
    part_number: "RAC-2040",
    manufacturer: "Racor",
    unit: "pcs",
    min_level: 4,
    location: "Engine room store B2",
    created_at: "2026-11-20T10:00:00.000000Z",
    created_by: CAPTAIN_ID,
    on_hand: 2,
    transactions: [
      {
        id: "77777777-7777-4777-8777-777777777777",
        part_id: PART_ID,
        quantity: -2,
        type: "adjust",
        reference: "annual count",
        idempotency_key: null,
        work_order_id: null,
        actor_id: CAPTAIN_ID,
        actor_role: "captain",
        created_at: "2026-12-03T11:00:00.000000Z",
      },
    ],
  };
}

export const SIGNED_ADJUST = auditEntry(1, {
  action: "adjust_stock",
  entity_type: "part",
  entity_id: PART_ID,
  actor_id: TEST_USER.id,
  actor_role: "purser",
  payload: { part_id: PART_ID, new_quantity: 2, reason: "annual count" },
  signature: {
    signer_id: CAPTAIN_ID,
    role_at_signing: "captain",
    method: "pin",
    signed_at: "2026-12-03T10:59:40Z",
    payload_sha256: "a3f1c9e07b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
    reason: "annual count",
  },
  created_at: "2026-12-03T11:00:00.000000Z",
});

export const WORK_ORDER_ID = "88888888-8888-4888-8888-888888888888";

/** A work order as view_work_order_detail answers it: its own history and parts consumed. */
export function workOrder(): Record<string, unknown> {
  return {
    id: WORK_ORDER_ID,
    origin: "manual",
    fault_id: null,
    schedule_id: null,
    equipment_id: null,
    title: "Replace generator impeller",
    description: null,
    priority: "high",
    status: "in_progress",
    assigned_to: TEST_USER.id,
    due_date: "2026-12-10",
    created_by: CAPTAIN_ID,
    created_at: "2026-12-04T08:00:00.000000Z",
    updated_at: "2026-12-05T09:00:00.000000Z",
    started_at: "2026-12-05T09:00:00.000000Z",
    completed_by: null,
    completed_at: null,
    completion_notes: null,
    running_hours_reading: null,
    cancelled_by: null,
    cancelled_at: null,
    cancel_reason: null,
    parts_consumed: [
      {
        transaction_id: "99999999-9999-4999-8999-999999999999",
        part_id: PART_ID,
        part_name: "Fuel filter element",
        part_number: "RAC-2040",
        unit: "pcs",
        quantity: 1,
        reference: null,
        actor_id: TEST_USER.id,
        at: "2026-12-05T10:00:00.000000Z",
      },
    ],
    notes: [],
    history: [
      { from_status: "planned", to_status: "in_progress", actor_id: TEST_USER.id, actor_role: "crew", at: "2026-12-05T09:00:00.000000Z", notes: null },
      { from_status: null, to_status: "planned", actor_id: CAPTAIN_ID, actor_role: "captain", at: "2026-12-04T08:00:00.000000Z", notes: null },
    ],
  };
}

export const ORDER_ID = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
export const RECEIVING_ID = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

/** A purchase order as view_purchase_order answers it. */
export function purchaseOrder(): Record<string, unknown> {
  return {
    id: ORDER_ID,
    supplier: "Marine Spares Ltd",
    reference: "PO-2026-041",
    status: "partially_received",
    expected_date: "2026-12-12",
    notes: null,
    created_by: CAPTAIN_ID,
    created_at: "2026-12-03T09:00:00.000000Z",
    updated_at: "2026-12-05T15:00:00.000000Z",
    cancelled_by: null,
    cancelled_at: null,
    cancel_reason: null,
    items: [
      {
        shopping_list_item_id: ITEM_ID,
        part_id: PART_ID,
        part_name: "Raw water impeller",
        part_number: "JAB-1210",
        unit: "pcs",
        quantity_ordered: 4,
        quantity_received: 2,
        status: "partially_fulfilled",
      },
    ],
    receivings: [{ id: RECEIVING_ID, status: "accepted", reference: null, created_at: "2026-12-05T14:00:00.000000Z" }],
  };
}
