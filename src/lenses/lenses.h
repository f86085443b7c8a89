// Every lens, registered explicitly. Adding a lens is one folder under src/lenses/ and
// one line in RegisterAllLenses.
#pragma once

#include "actions/registry.h"

namespace celeste {

void RegisterAllLenses(Registry& registry);

}  // namespace celeste
