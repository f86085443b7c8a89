// Parts lens (issue 4, flag PART_LENS_V2_ENABLED): the parts catalog and its stock ledger.
// Crew receive and consume stock, heads of department and the purser add parts, everyone
// sees a part's balance and movements and what is running low.
//
// This header is the lens's public surface: its registration. Other lenses use the
// catalog (catalog_part.h) and the ledger (stock_ledger.h) directly.
#pragma once

#include <string_view>

#include "actions/registry.h"

namespace celeste {

inline constexpr std::string_view kPartsLensId = "parts";
inline constexpr std::string_view kPartsLensFlag = "PART_LENS_V2_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterPartsLens(Registry& registry);

}  // namespace celeste
