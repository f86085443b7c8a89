// Certificates lens (issue 5, flag CERTIFICATES_LENS_V1_ENABLED; CERTIFICATES_SUGGESTIONS_ENABLED
// gates its suggestions): the vessel's and the crew's certificates, their status from their
// dates (valid, expiring within the yacht's warning window, expired, superseded), and signed
// renewal. docs/lenses/certificates.md.
//
// This header is the lens's public surface: its registration.
#pragma once

#include <string_view>

#include "actions/registry.h"

namespace celeste {

inline constexpr std::string_view kCertificatesLensId = "certificates";
inline constexpr std::string_view kCertificatesLensFlag = "CERTIFICATES_LENS_V1_ENABLED";
inline constexpr std::string_view kCertificatesSuggestionsFlag = "CERTIFICATES_SUGGESTIONS_ENABLED";

// Registers the lens and its actions. Call once at start-up, before serving.
void RegisterCertificatesLens(Registry& registry);

}  // namespace celeste
