// The lens views, one per lens id, as the shell routes /lens/:id to them. Each reads its
// session itself (useSession) and takes no props.
import type { ComponentType } from "react";
import { CertificatesView } from "./CertificatesView";
import { EquipmentTree } from "./EquipmentTree";
import { FaultsView } from "./FaultsView";
import { PartsView } from "./PartsView";
import { ReceivingView } from "./ReceivingView";
import { ShoppingListBoard } from "./ShoppingListBoard";
import { WorkOrdersView } from "./WorkOrdersView";

export const LENS_VIEWS: Record<string, ComponentType> = {
  shopping_list: ShoppingListBoard,
  parts: PartsView,
  receiving: ReceivingView,
  faults: FaultsView,
  work_orders: WorkOrdersView,
  equipment: EquipmentTree,
  certificates: CertificatesView,
};
