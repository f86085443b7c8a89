// The shopping list lens and its nine actions as the registry lists them (CONTRACT §7):
// ids, labels, variants, roles, typed fields and search keywords, each with its handler.
#pragma once

#include <vector>

#include "actions/action.h"

namespace celeste::shopping_list {

LensDef ShoppingListLensDef();
std::vector<ActionDef> ShoppingListActionDefs();

}  // namespace celeste::shopping_list
