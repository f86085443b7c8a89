#include "lenses/lenses.h"

#include "lenses/parts/parts_lens.h"
#include "lenses/receiving/receiving_lens.h"
#include "lenses/shopping_list/shopping_list_lens.h"

namespace celeste {

void RegisterAllLenses(Registry& registry) {
  RegisterShoppingListLens(registry);
  RegisterPartsLens(registry);
  RegisterReceivingLens(registry);
}

}  // namespace celeste
