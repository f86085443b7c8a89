// Which registry actions act on a record: derived from their required id fields only.
import type { ActionDef } from "../api/types";
import { ENTITY_TYPES, applicableActions, statusTone } from "./entityTypes";
import { ADJUST_STOCK, APPROVE_ITEM, CREATE_ITEM, HOD_ACTIONS, VIEW_ITEM } from "./testFixtures";

const item = ENTITY_TYPES.shopping_list_item;

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
    ["update_shopping_list_item", "item_id"],
  ]);
  expect(applicableActions([VIEW_ITEM, CREATE_ITEM], item)).toEqual([]);
  expect(applicableActions(HOD_ACTIONS, ENTITY_TYPES.part).map((a) => a.action.action_id)).toEqual(["adjust_stock"]);
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

test("status tones", () => {
  expect(statusTone("approved")).toBe("ok");
  expect(statusTone("under_review")).toBe("warn");
  expect(statusTone("rejected")).toBe("bad");
  expect(statusTone("superseded")).toBe("muted");
});
