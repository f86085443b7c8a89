// Signatures for SIGNED actions (CONTRACT §5): PIN check, lockout, the audit record.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "actions/action.h"
#include "auth/directory.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/result.h"

namespace celeste {

// How far signed_at may be from the server's clock, either way.
inline constexpr Micros kMaxSignatureSkew = 5 * 60 * kMicrosPerSecond;

// SHA-256 (hex) of the payload's canonical JSON (keys sorted, no whitespace).
std::string PayloadSha256(const boost::json::object& payload);

class SignatureVerifier {
 public:
  SignatureVerifier(Directory& directory, Throttle& throttle, const Clock& clock)
      : directory_(directory), throttle_(throttle), clock_(clock) {}

  // Step 8 of CONTRACT §2, in its order: signature_required (absent or null) →
  // invalid_signature (shape: not an object, signer_id not a UUID, method not "pin",
  // PIN not 4-8 digits, signed_at not RFC 3339 or more than 5 minutes off, reason not a
  // string) → invalid_signer_role (signer not an active member of the yacht, or their
  // role may not sign this action) → signer_locked (429) → invalid_signature (wrong
  // PIN, recorded towards the lockout). Returns the record for the audit row.
  Result<SignatureRecord> Verify(const ActionDef& action, std::string_view yacht_id,
                                 const boost::json::value* signature,
                                 const boost::json::object& payload);

 private:
  Directory& directory_;
  Throttle& throttle_;
  const Clock& clock_;
};

}  // namespace celeste
