#include "lenses/lenses.h"

#include "lenses/certificates/certificates_lens.h"
#include "lenses/equipment/equipment_lens.h"
#include "lenses/faults/faults_lens.h"
#include "lenses/parts/parts_lens.h"
#include "lenses/receiving/receiving_lens.h"
#include "lenses/shopping_list/shopping_list_lens.h"
#include "lenses/work_orders/work_orders_lens.h"

namespace celeste {

void RegisterAllLenses(Registry& registry) {
  RegisterShoppingListLens(registry);
  RegisterPartsLens(registry);
  RegisterReceivingLens(registry);
  RegisterCertificatesLens(registry);
  RegisterFaultsLens(registry);
  RegisterEquipmentLens(registry);
  RegisterWorkOrdersLens(registry);
}

}  // namespace celeste
