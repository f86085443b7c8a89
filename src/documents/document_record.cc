#include "documents/document_record.h"

#include <array>

#include <fmt/format.h>

namespace celeste::documents {
namespace {

// One query per entity type, on that type's table (never a table name built from input).
const Sql kCertificateExists{"SELECT 1 FROM pms_certificates WHERE yacht_id = $1 AND id = $2"};
const Sql kEquipmentExists{"SELECT 1 FROM pms_equipment WHERE yacht_id = $1 AND id = $2"};
const Sql kFaultExists{"SELECT 1 FROM pms_faults WHERE yacht_id = $1 AND id = $2"};
const Sql kWorkOrderExists{"SELECT 1 FROM pms_work_orders WHERE yacht_id = $1 AND id = $2"};

const std::array<EntityKind, 4>& Kinds() {
  static const std::array<EntityKind, 4> kKinds = {
      EntityKind{"certificate", "certificates", RoleSet::Hod()},
      EntityKind{"equipment", "equipment", RoleSet::Hod()},
      EntityKind{"fault", "faults", RoleSet::All()},
      EntityKind{"work_order", "work_orders", RoleSet::All()},
  };
  return kKinds;
}

const Sql& ExistsQuery(const EntityKind& kind) {
  if (kind.name == "certificate") return kCertificateExists;
  if (kind.name == "equipment") return kEquipmentExists;
  if (kind.name == "fault") return kFaultExists;
  return kWorkOrderExists;
}

#define CELESTE_DOCUMENT_COLUMNS                                                               \
  "id, entity_type, entity_id, content_type, size_bytes, sha256, uploaded_by, uploaded_role, " \
  "uploaded_at"
const Sql kInsertDocument{
    "INSERT INTO pms_documents (id, yacht_id, entity_type, entity_id, content_type, size_bytes, "
    "sha256, uploaded_by, uploaded_role, uploaded_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};
const Sql kSelectDocument{"SELECT " CELESTE_DOCUMENT_COLUMNS
                          " FROM pms_documents WHERE yacht_id = $1 AND id = $2"};
const Sql kDocumentsOf{"SELECT " CELESTE_DOCUMENT_COLUMNS
                       " FROM pms_documents WHERE yacht_id = $1 AND entity_type = $2 "
                       "AND entity_id = $3 ORDER BY id"};
#undef CELESTE_DOCUMENT_COLUMNS

Result<Document> DocumentFromRow(const Row& row) {
  auto type = ParseContentType(row.Text(3));
  if (!type) return Status::Internal("a document has an unknown content type");
  return Document{.id = row.Text(0),
                  .entity_type = row.Text(1),
                  .entity_id = row.Text(2),
                  .type = *type,
                  .size = static_cast<uint64_t>(row.Int(4)),
                  .sha256 = row.Text(5),
                  .uploaded_by = row.Text(6),
                  .uploaded_role = row.Text(7),
                  .uploaded_at = row.Text(8)};
}

}  // namespace

std::span<const EntityKind> EntityKinds() { return Kinds(); }

const EntityKind* FindEntityKind(std::string_view name) {
  for (const EntityKind& kind : Kinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

Result<bool> EntityExists(Tx& tx, std::string_view yacht_id, const EntityKind& kind,
                          std::string_view entity_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(ExistsQuery(kind), {yacht_id, entity_id}));
  return row.has_value();
}

boost::json::object Document::ToJson(std::string_view yacht_id) const {
  return {{"id", id},
          {"entity_type", entity_type},
          {"entity_id", entity_id},
          {"content_type", ContentTypeName(type)},
          {"size", size},
          {"sha256", sha256},
          {"file_name", FileName()},
          {"uploaded_by", uploaded_by},
          {"uploaded_role", uploaded_role},
          {"uploaded_at", uploaded_at},
          {"download_url", fmt::format("/v1/documents/{}?yacht_id={}", id, yacht_id)}};
}

std::string Document::FileName() const {
  return fmt::format("{}-{}.{}", entity_type, id, Extension(type));
}

Status InsertDocument(Tx& tx, std::string_view yacht_id, const Document& d) {
  return tx.ExecDeferred(
      kInsertDocument,
      {d.id, yacht_id, d.entity_type, d.entity_id, ContentTypeName(d.type),
       static_cast<int64_t>(d.size), d.sha256, d.uploaded_by, d.uploaded_role, d.uploaded_at},
      1);
}

Result<Document> LoadDocument(Tx& tx, std::string_view yacht_id, std::string_view document_id) {
  CELESTE_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSelectDocument, {yacht_id, document_id}));
  if (!row) {
    return Status::NotFound("no document " + std::string(document_id) + " on this yacht")
        .WithDetail("document_id", document_id);
  }
  return DocumentFromRow(*row);
}

Result<std::vector<Document>> DocumentsOf(Tx& tx, std::string_view yacht_id,
                                          std::string_view entity_type,
                                          std::string_view entity_id) {
  CELESTE_ASSIGN_OR_RETURN(auto rows, tx.Query(kDocumentsOf, {yacht_id, entity_type, entity_id}));
  std::vector<Document> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    CELESTE_ASSIGN_OR_RETURN(auto document, DocumentFromRow(row));
    out.push_back(std::move(document));
  }
  return out;
}

}  // namespace celeste::documents
