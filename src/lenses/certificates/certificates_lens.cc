#include "lenses/certificates/certificates_lens.h"

#include <string>
#include <utility>
#include <vector>

#include "actions/field_builders.h"
#include "lenses/certificates/certificate.h"
#include "lenses/certificates/certificate_actions.h"
#include "lenses/certificates/certificate_status.h"

namespace celeste {
namespace {

using namespace fields;  // NOLINT(google-build-using-namespace): the builders read as a DSL

// Who signs a renewal: the master or the shore-side manager.
RoleSet RenewalSigners() { return {Role::kCaptain, Role::kManager}; }

FieldDef CertificateId() {
  return Required(IdField("certificate_id", "certificate", "Certificate"));
}
FieldDef Cursor() { return Text("cursor", "Next page", 64); }
FieldDef Date(std::string name, std::string label) {
  return Required(Field(std::move(name), FieldType::kDate, std::move(label)));
}

FieldDef Days(std::string name, std::string label, double max) {
  FieldDef field = Field(std::move(name), FieldType::kInteger, std::move(label));
  field.min = 0.0;
  field.max = max;
  return field;
}

template <size_t N>
std::vector<std::string> Names(const std::string_view (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

ActionDef Action(std::string id, std::string label, Variant variant, RoleSet allowed_roles,
                 ActionHandler handler) {
  return fields::Action(kCertificatesLensId, std::move(id), std::move(label), variant,
                        allowed_roles, std::move(handler));
}

ActionDef AddCertificateDef() {
  ActionDef action = Action("add_certificate", "Add certificate", Variant::kMutate, RoleSet::Hod(),
                            certificates::AddCertificate);
  action.fields = {Required(Text("certificate_type", "Certificate type", 100)),
                   Required(Text("number", "Certificate number", 100)),
                   Required(Text("issuing_authority", "Issuing authority", 200)),
                   Date("issue_date", "Issue date"),
                   Date("expiry_date", "Expiry date"),
                   Enum("scope", "Vessel or crew", Names(certificates::kScopeNames)),
                   IdField("holder_user_id", "user", "Holder (crew certificates)")};
  action.search_keywords = {"add certificate",  "new certificate",    "record certificate",
                            "crew certificate", "vessel certificate", "certificate"};
  return action;
}

ActionDef ViewCertificateDetailDef() {
  ActionDef action = Action("view_certificate_detail", "View certificate", Variant::kRead,
                            RoleSet::All(), certificates::ViewCertificateDetail);
  action.fields = {CertificateId()};
  action.search_keywords = {"view certificate", "certificate details", "certificate documents",
                            "show certificate"};
  return action;
}

ActionDef ListCertificatesDef() {
  ActionDef action = Action("list_certificates", "Certificates", Variant::kRead, RoleSet::All(),
                            certificates::ListCertificatesAction);
  action.fields = {Enum("status", "Status", Names(certificates::kCertificateStatusNames)),
                   Days("expiring_within_days", "Expiring within (days)", 3650), PageSize(),
                   Cursor()};
  action.search_keywords = {"certificates",         "list certificates", "expiring certificates",
                            "expired certificates", "what expires",      "certificate expiry"};
  return action;
}

// The ops tools' example renewal expires in three years: after any certificate they add
// (a year from today), as a renewal must.
FieldDef RenewedExpiry() {
  FieldDef field = Date("new_expiry_date", "New expiry date");
  field.example = R"("@today+1095d")";
  return field;
}

ActionDef RenewCertificateDef() {
  ActionDef action = Action("renew_certificate_with_approval", "Renew certificate (signed)",
                            Variant::kSigned, RoleSet::Hod(), certificates::RenewCertificate);
  action.signer_roles = RenewalSigners();
  action.fields = {CertificateId(), Required(Text("new_number", "New certificate number", 100)),
                   Date("new_issue_date", "New issue date"), RenewedExpiry()};
  action.search_keywords = {"renew certificate", "certificate renewal", "replace certificate",
                            "renewed certificate", "extend certificate"};
  return action;
}

ActionDef SetWarningDaysDef() {
  ActionDef action = Action("set_certificate_warning_days", "Set certificate warning window",
                            Variant::kMutate, RenewalSigners(), certificates::SetWarningDaysAction);
  action.fields = {
      Required(Days("warning_days", "Days before expiry to warn", certificates::kMaxWarningDays))};
  action.search_keywords = {"certificate warning", "warning window", "expiry warning",
                            "certificate reminder days"};
  return action;
}

LensDef CertificatesLensDef() {
  LensDef lens;
  lens.id = std::string(kCertificatesLensId);
  lens.label = "Certificates";
  lens.flags = {std::string(kCertificatesLensFlag)};
  lens.suggestions_flag = std::string(kCertificatesSuggestionsFlag);
  lens.probe_action = "list_certificates";
  lens.create_action = "add_certificate";
  lens.entity_type = "certificate";
  lens.slo_p95_ms = 500;
  return lens;
}

}  // namespace

void RegisterCertificatesLens(Registry& registry) {
  registry.AddLens(CertificatesLensDef());
  for (ActionDef& action :
       std::vector<ActionDef>{AddCertificateDef(), ViewCertificateDetailDef(),
                              ListCertificatesDef(), RenewCertificateDef(), SetWarningDaysDef()}) {
    registry.AddAction(std::move(action));
  }
}

}  // namespace celeste
