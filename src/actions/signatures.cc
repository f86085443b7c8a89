#include "actions/signatures.h"

#include <cstdlib>

#include "auth/password.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/uuid.h"

namespace celeste {
namespace {

constexpr size_t kMaxReasonLength = 500;

Status InvalidSignature(std::string message, std::string_view field = {}) {
  boost::json::object details;
  if (!field.empty()) details["field"] = field;
  return Status::Error(ErrorCode::kInvalidSignature, std::move(message), std::move(details));
}

}  // namespace

std::string PayloadSha256(const boost::json::object& payload) {
  return Sha256Hex(CanonicalJson(payload));
}

Result<SignatureRecord> SignatureVerifier::Verify(const ActionDef& action,
                                                  std::string_view yacht_id,
                                                  const boost::json::value* signature,
                                                  const boost::json::object& payload) {
  if (!signature || signature->is_null()) {
    return Status::Error(ErrorCode::kSignatureRequired, action.id + " must be signed");
  }
  if (!signature->is_object()) return InvalidSignature("signature must be an object");
  const auto& sig = signature->get_object();
  for (const auto& kv : sig) {
    std::string_view k = kv.key();
    if (k != "signer_id" && k != "method" && k != "pin" && k != "signed_at" && k != "reason") {
      return InvalidSignature("unknown signature member '" + std::string(k) + "'", k);
    }
  }
  auto signer_id = GetString(sig, "signer_id");
  if (!signer_id || !IsUuid(*signer_id)) {
    return InvalidSignature("signer_id must be a user id", "signer_id");
  }
  auto method = GetString(sig, "method");
  if (!method || *method != "pin") return InvalidSignature("method must be \"pin\"", "method");
  auto pin = GetString(sig, "pin");
  if (!pin || !IsValidPin(*pin)) return InvalidSignature("pin must be 4 to 8 digits", "pin");
  auto signed_at_text = GetString(sig, "signed_at");
  auto signed_at = signed_at_text ? ParseRfc3339(*signed_at_text) : std::nullopt;
  if (!signed_at) return InvalidSignature("signed_at must be an RFC 3339 time", "signed_at");
  if (std::llabs(*signed_at - clock_.Now()) > kMaxSignatureSkew) {
    return InvalidSignature("signed_at is more than 5 minutes from the server's time", "signed_at");
  }
  std::optional<std::string> reason;
  if (auto it = sig.find("reason"); it != sig.end() && !it->value().is_null()) {
    if (!it->value().is_string() || it->value().get_string().size() > kMaxReasonLength) {
      return InvalidSignature("reason must be a string of at most 500 characters", "reason");
    }
    reason = std::string(it->value().get_string());
  }

  const std::string signer = NormalizeUuid(*signer_id);
  CELESTE_ASSIGN_OR_RETURN(auto principal, directory_.LoadPrincipal(signer));
  const Membership* membership = principal ? principal->MembershipOn(yacht_id) : nullptr;
  if (!membership) {
    return Status::Error(ErrorCode::kInvalidSignerRole, "the signer is not a member of this yacht");
  }
  if (!action.signer_roles.Contains(membership->role)) {
    return Status::Error(
        ErrorCode::kInvalidSignerRole,
        "a " + std::string(RoleName(membership->role)) + " may not sign " + action.id,
        {{"signer_role", RoleName(membership->role)}});
  }

  CELESTE_ASSIGN_OR_RETURN(auto locked, throttle_.LockedFor(AttemptKind::kPin, signer));
  if (locked) {
    return Status::Error(ErrorCode::kSignerLocked,
                         "too many wrong PINs; this signer is locked for a while")
        .WithRetryAfter(*locked);
  }
  CELESTE_ASSIGN_OR_RETURN(auto user, directory_.FindUserById(signer));
  const bool pin_ok = user && user->pin_hash ? VerifySecret(*user->pin_hash, *pin)
                                             : (VerifyDummySecret(*pin, SecretKind::kPin), false);
  if (!pin_ok) {
    CELESTE_RETURN_IF_ERROR(throttle_.RecordFailure(AttemptKind::kPin, signer));
    return InvalidSignature("wrong PIN", "pin");
  }
  CELESTE_RETURN_IF_ERROR(throttle_.Clear(AttemptKind::kPin, signer));

  SignatureRecord record;
  record.signer_id = signer;
  record.role_at_signing = membership->role;
  record.method = "pin";
  record.signed_at = FormatRfc3339(*signed_at);
  record.payload_sha256 = PayloadSha256(payload);
  record.reason = std::move(reason);
  return record;
}

}  // namespace celeste
