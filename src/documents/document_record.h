// The document record (pms_documents) and the entities documents attach to. Every query is
// scoped by yacht_id: another yacht's document is indistinguishable from a missing one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/roles.h"
#include "core/result.h"
#include "documents/content_sniffing.h"
#include "store/store.h"

namespace celeste::documents {

inline constexpr std::string_view kDocumentEntityType = "document";

// An entity type documents may attach to: the lens whose flag must be on for the yacht,
// and who may upload to it (any member may read). docs/documents.md.
struct EntityKind {
  std::string_view name;     // "certificate", as in ?entity_type=
  std::string_view lens_id;  // "certificates"
  RoleSet uploaders;
};

// certificate (HOD), equipment (HOD), fault (all roles), work_order (all roles).
std::span<const EntityKind> EntityKinds();
const EntityKind* FindEntityKind(std::string_view name);

// Whether the yacht has that entity (a query on the kind's own table).
Result<bool> EntityExists(Tx& tx, std::string_view yacht_id, const EntityKind& kind,
                          std::string_view entity_id);

struct Document {
  std::string id;
  std::string entity_type;
  std::string entity_id;
  DocumentType type = DocumentType::kPdf;
  uint64_t size = 0;
  std::string sha256;
  std::string uploaded_by;
  std::string uploaded_role;
  std::string uploaded_at;

  // Every column, the content type by name, and where to download it.
  boost::json::object ToJson(std::string_view yacht_id) const;
  // The name a download offers: "<entity_type>-<id>.<ext>" (never a client's name).
  std::string FileName() const;
};

Status InsertDocument(Tx& tx, std::string_view yacht_id, const Document& document);
// The document, or not_found (details.document_id).
Result<Document> LoadDocument(Tx& tx, std::string_view yacht_id, std::string_view document_id);
// The entity's documents, oldest first.
Result<std::vector<Document>> DocumentsOf(Tx& tx, std::string_view yacht_id,
                                          std::string_view entity_type, std::string_view entity_id);

}  // namespace celeste::documents
