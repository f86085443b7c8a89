// Document routes (docs/documents.md): POST /v1/documents streams an upload to disk,
// GET /v1/documents/{id} streams it back. Both check what an action's dispatch checks, in
// CONTRACT §2's order: token, yacht membership, the entity type's lens flag, the caller's
// role, the parameters, the entity — an upload before reading a byte of its body.
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "api/request_helpers.h"
#include "api/routes.h"
#include "audit/audit_log.h"
#include "core/json.h"
#include "core/log.h"
#include "core/uuid.h"
#include "documents/document_record.h"
#include "documents/document_upload.h"

namespace celeste {
namespace {

using documents::Document;
using documents::DocumentUpload;
using documents::EntityKind;
using documents::ReceivedFile;
using documents::UploadTarget;

constexpr std::string_view kUploadAction = "upload_document";

Status NoStorage() {
  return Status::Error(ErrorCode::kFeatureDisabled, "document storage is not configured");
}

// Query parameters beyond `known` are refused, as unknown payload fields are: nothing a
// client adds (a file name, a path) is ever used.
Status OnlyParameters(const Request& request, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : request.query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Status::Error(ErrorCode::kUnknownField,
                           "unknown parameter '" + name +
                               "'; a document's name and place are "
                               "the server's",
                           {{"field", name}});
    }
  }
  return Status::OK();
}

// The lens that owns the entity type must be on for the yacht (CONTRACT §2 step 5).
Status CheckLensOn(Services& services, const EntityKind& kind, std::string_view yacht_id) {
  const LensDef* lens = services.registry.FindLens(kind.lens_id);
  if (lens && services.dispatcher.IsLensOn(*lens, yacht_id)) return Status::OK();
  return Status::Error(ErrorCode::kFeatureDisabled,
                       fmt::format("the {} lens is not enabled on this yacht", kind.lens_id),
                       {{"lens", kind.lens_id}});
}

Result<const EntityKind*> EntityKindParam(const Request& request) {
  auto name = request.QueryParam("entity_type");
  if (!name || name->empty()) return Status::MissingField("entity_type");
  const EntityKind* kind = documents::FindEntityKind(*name);
  if (!kind) {
    return Status::InvalidField("entity_type",
                                "entity_type must be certificate, equipment, fault or work_order");
  }
  return kind;
}

Result<std::string> EntityIdParam(const Request& request) {
  auto id = request.QueryParam("entity_id");
  if (!id || id->empty()) return Status::MissingField("entity_id");
  if (!IsUuid(*id)) return Status::InvalidField("entity_id", "entity_id must be a UUID");
  return NormalizeUuid(*id);
}

Status CheckEntityExists(Tx& tx, const EntityKind& kind, std::string_view yacht_id,
                         std::string_view entity_id) {
  CELESTE_ASSIGN_OR_RETURN(bool exists, documents::EntityExists(tx, yacht_id, kind, entity_id));
  if (exists) return Status::OK();
  return Status::NotFound(fmt::format("no {} {} on this yacht", kind.name, entity_id))
      .WithDetail("entity_id", entity_id);
}

// Everything an upload needs to know before its body: who, which yacht, which entity.
Result<UploadTarget> ResolveUpload(Services& services, Request& head) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, head));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, head.QueryParam("yacht_id"), head));
  CELESTE_RETURN_IF_ERROR(OnlyParameters(head, {"yacht_id", "entity_type", "entity_id"}));
  CELESTE_ASSIGN_OR_RETURN(const EntityKind* kind, EntityKindParam(head));
  CELESTE_RETURN_IF_ERROR(CheckLensOn(services, *kind, m.yacht_id));
  if (!kind->uploaders.Contains(m.role)) {
    return Status::Forbidden(RoleName(m.role),
                             fmt::format("your role ({}) may not attach documents to a {}",
                                         RoleName(m.role), kind->name));
  }
  CELESTE_ASSIGN_OR_RETURN(std::string entity_id, EntityIdParam(head));
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) {
    return CheckEntityExists(tx, *kind, m.yacht_id, entity_id);
  }));
  return UploadTarget{.yacht_id = m.yacht_id,
                      .entity_type = std::string(kind->name),
                      .entity_id = std::move(entity_id),
                      .user_id = principal.user_id,
                      .role = m.role};
}

std::shared_ptr<BodySink> OpenUpload(Services& services, Request& head) {
  if (!services.documents) return std::make_shared<DocumentUpload>(NoStorage());
  Result<UploadTarget> target = ResolveUpload(services, head);
  if (!target.ok()) return std::make_shared<DocumentUpload>(std::move(target).TakeStatus());
  return std::make_shared<DocumentUpload>(*services.documents, std::move(target).value());
}

AuditEntry UploadAudit(const Document& document, const UploadTarget& target,
                       const std::string& request_id) {
  const boost::json::object payload{{"entity_type", document.entity_type},
                                    {"entity_id", document.entity_id},
                                    {"content_type", documents::ContentTypeName(document.type)},
                                    {"size", document.size},
                                    {"sha256", document.sha256}};
  return AuditEntry{.action = std::string(kUploadAction),
                    .entity_type = std::string(documents::kDocumentEntityType),
                    .entity_id = document.id,
                    .actor_id = target.user_id,
                    .actor_role = std::string(RoleName(target.role)),
                    .payload = CanonicalJson(payload),
                    .signature = "{}",
                    .request_id = request_id,
                    .created_at = document.uploaded_at};
}

// The row, its audit row and the file move together: the file is renamed into place last,
// inside the transaction, and removed again if the transaction does not commit. (A crash
// between the rename and the commit leaves a file no row names: never served, harmless.)
Result<Response> Upload(Services& services, Request& request) {
  auto upload = std::dynamic_pointer_cast<DocumentUpload>(std::move(request.body_sink));
  if (!upload) return Status::Internal("an upload arrived without its sink");
  CELESTE_ASSIGN_OR_RETURN(ReceivedFile file, upload->Finish());
  const UploadTarget& target = upload->target();
  const Document document{.id = NewUuidV7(),
                          .entity_type = target.entity_type,
                          .entity_id = target.entity_id,
                          .type = file.type,
                          .size = file.size,
                          .sha256 = file.sha256,
                          .uploaded_by = target.user_id,
                          .uploaded_role = std::string(RoleName(target.role)),
                          .uploaded_at = FormatRfc3339(services.clock.Now())};
  const EntityKind* kind = documents::FindEntityKind(target.entity_type);
  std::string audit_id;
  bool moved = false;
  Status s = services.store.Run(TxMode::kWrite, target.yacht_id, [&](Tx& tx) {
    // Entities are never deleted; checked again all the same, in the writing transaction.
    CELESTE_RETURN_IF_ERROR(CheckEntityExists(tx, *kind, target.yacht_id, target.entity_id));
    CELESTE_RETURN_IF_ERROR(documents::InsertDocument(tx, target.yacht_id, document));
    CELESTE_ASSIGN_OR_RETURN(
        audit_id,
        AppendAudit(tx, target.yacht_id, UploadAudit(document, target, request.request_id)));
    CELESTE_RETURN_IF_ERROR(
        services.documents->Commit(upload->file(), target.yacht_id, document.id, file.type));
    moved = true;
    return Status::OK();
  });
  if (!s.ok()) {
    if (moved) services.documents->Discard(target.yacht_id, document.id, file.type);
    return s;
  }
  return JsonOk({{"success", true},
                 {"document_id", document.id},
                 {"document", document.ToJson(target.yacht_id)},
                 {"audit_id", audit_id},
                 {"request_id", request.request_id}},
                201);
}

// Streams a document back to a member of its yacht. Another yacht's id (or any text that is
// not an id) is not_found, exactly like a missing one.
Result<Response> Download(Services& services, Request& request) {
  CELESTE_ASSIGN_OR_RETURN(Principal principal, Authenticate(services, request));
  CELESTE_ASSIGN_OR_RETURN(Membership m,
                           ResolveYacht(principal, request.QueryParam("yacht_id"), request));
  CELESTE_RETURN_IF_ERROR(OnlyParameters(request, {"yacht_id"}));
  if (!services.documents) return NoStorage();
  const std::string id(request.PathParam("id").value_or(""));
  if (!IsUuid(id)) {
    return Status::NotFound("no document " + id + " on this yacht").WithDetail("document_id", id);
  }
  Document document;
  CELESTE_RETURN_IF_ERROR(services.store.Run(TxMode::kRead, m.yacht_id, [&](Tx& tx) {
    CELESTE_ASSIGN_OR_RETURN(document, documents::LoadDocument(tx, m.yacht_id, NormalizeUuid(id)));
    return Status::OK();
  }));
  const EntityKind* kind = documents::FindEntityKind(document.entity_type);
  if (!kind) return Status::Internal("a document names an unknown entity type");
  CELESTE_RETURN_IF_ERROR(CheckLensOn(services, *kind, m.yacht_id));

  auto opened = services.documents->OpenDocument(m.yacht_id, document.id, document.type);
  if (!opened.ok()) {
    // The row exists, so the file must: a missing one is lost data, not a client mistake.
    Log(LogLevel::kError, "a stored document cannot be read",
        {{"document_id", document.id}, {"error", opened.status().message()}});
    return Status::Internal("the document's file cannot be read");
  }
  Response response;
  response.file = std::make_shared<ResponseFile>(opened->fd, opened->size);
  if (opened->size != document.size) {
    Log(LogLevel::kError, "a stored document changed size",
        {{"document_id", document.id}, {"expected", document.size}, {"found", opened->size}});
    return Status::Internal("the document's file is damaged");
  }
  response.content_type = std::string(documents::ContentTypeName(document.type));
  response.headers = {
      {"Content-Disposition", fmt::format("attachment; filename=\"{}\"", document.FileName())},
      {"X-Content-Type-Options", "nosniff"},
      {"ETag", "\"" + document.sha256 + "\""},
      {"Cache-Control", "private, no-cache"}};
  return response;
}

}  // namespace

void RegisterDocumentRoutes(Services& services, const AddRoute& add,
                            const AddStreamingRoute& add_streaming) {
  add_streaming(
      Method::kPost, "/v1/documents", [&services](Request& r) { return Upload(services, r); },
      [&services](Request& head) { return OpenUpload(services, head); });
  add(Method::kGet, "/v1/documents/{id}",
      [&services](Request& r) { return Download(services, r); });
}

}  // namespace celeste
