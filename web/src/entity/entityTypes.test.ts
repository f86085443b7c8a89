// Which registry actions act on a record (derived from their required id fields only), and
// the status a part's stock gives it.
import type { ActionDef } from "../api/types";
import { HOD_ACTIONS, registryAction } from "../actions/testRegistry";
import { statusTone } from "../app/status";
import { ENTITY_TYPES, applicableActions } from "./entityTypes";

const item = ENTITY_TYPES.shopping_list_item;
const APPROVE_ITEM = registryAction("approve_shopping_list_item");
const ADJUST_STOCK = registryAction("adjust_stock");

test("every entity type names its lens's detail action and id field", () => {
  expect(
    Object.values(ENTITY_TYPES).map((t) => [t.type, t.lens, t.detailAction, t.idField]),
  ).toEqual([
    ["shopping_list_item", "shopping_list", "view_shopping_list_item", "item_id"],
    ["part", "parts", "view_part_detail", "part_id"],
    ["purchase_order", "receiving", "view_purchase_order", "purchase_order_id"],
    ["receiving", "receiving", "view_receiving_detail", "receiving_id"],
    ["fault", "faults", "view_fault_detail", "fault_id"],
    ["work_order", "work_orders", "view_work_order_detail", "work_order_id"],
    ["equipment", "equipment", "view_equipment_detail", "equipment_id"],
    ["certificate", "certificates", "view_certificate_detail", "certificate_id"],
  ]);
});

test("offers non-READ actions whose required uuid field references the type", () => {
  expect(applicableActions(HOD_ACTIONS, item).map((a) => [a.action.action_id, a.field])).toEqual([
    ["review_shopping_list_item", "item_id"],
    ["approve_shopping_list_item", "item_id"],
    ["reject_shopping_list_item", "item_id"],
    ["update_shopping_list_item", "item_id"],
  ]);
  expect(applicableActions([registryAction("view_shopping_list_item"), registryAction("create_shopping_list_item")], item)).toEqual([]);
  expect(applicableActions(HOD_ACTIONS, ENTITY_TYPES.part).map((a) => a.action.action_id)).toEqual([
    "receive_part",
    "consume_part",
    "adjust_stock",
    "order_part_with_approval",
  ]);
});

test("without `references`, the field named like the type's id field counts", () => {
  const legacy: ActionDef = {
    ...APPROVE_ITEM,
    fields: APPROVE_ITEM.fields.map(({ references: _, ...f }) => f),
  };
  expect(applicableActions([legacy], item)).toHaveLength(1);
  expect(applicableActions([legacy], ENTITY_TYPES.part)).toHaveLength(0);
});

test("an optional id field does not make an action apply", () => {
  const optional: ActionDef = { ...ADJUST_STOCK, fields: ADJUST_STOCK.fields.map((f) => ({ ...f, required: false })) };
  expect(applicableActions([optional], ENTITY_TYPES.part)).toEqual([]);
});

test("a part's status is the parts list's stock state, on the server's low-stock rule", () => {
  const part = ENTITY_TYPES.part;
  expect(part.status({ on_hand: 0, min_level: 2 })).toBe("out_of_stock");
  expect(part.status({ on_hand: 2, min_level: 2 })).toBe("low_stock");
  expect(part.status({ on_hand: 3, min_level: 2 })).toBe("in_stock");
  expect(part.status({ on_hand: 0, min_level: 0 })).toBe("none_on_hand");
  expect(part.status({ on_hand: 5, min_level: 0 })).toBe("in_stock");
});

test("a status has the same tone on a record's page as in its lens list", () => {
  expect(statusTone("open")).toBe("warn");
  expect(statusTone("closed")).toBe("ok");
  expect(statusTone("under_review")).toBe("warn");
  expect(statusTone("rejected")).toBe("bad");
  expect(statusTone("superseded")).toBe("muted");
  expect(statusTone("out_of_stock")).toBe("bad");
  expect(statusTone("a_status_nobody_knows")).toBe("muted");
});
