// Receiving lens (issue 4, flag RECEIVING_LENS_V1_ENABLED): purchase orders for approved
// shopping list requests, and goods receipt — a delivery recorded as a draft, signed off
// into the parts ledger. Closes the loop request -> order -> receive -> inventory
// (docs/lenses/receiving.md).
//
// This header is the lens's public surface: its registration.
#pragma once

#include <string_view>

#include "actions/registry.h"

namespace celeste {

inline constexpr std::string_view kReceivingLensId = "receiving";
inline constexpr std::string_view kReceivingLensFlag = "RECEIVING_LENS_V1_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterReceivingLens(Registry& registry);

}  // namespace celeste
