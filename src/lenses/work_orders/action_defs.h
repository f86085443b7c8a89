// The work orders lens and its actions as the registry lists them
// (docs/lenses/work_orders.md): ids, labels, variants, roles, typed fields and search
// keywords, each with its handler.
#pragma once

#include <vector>

#include "actions/action.h"

namespace celeste::work_orders {

LensDef WorkOrdersLensDef();
std::vector<ActionDef> WorkOrderActionDefs();

}  // namespace celeste::work_orders
