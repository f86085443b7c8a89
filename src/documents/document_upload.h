// DocumentUpload: the BodySink of POST /v1/documents. It receives an upload as it arrives,
// decides what it is from its first bytes (PDF, JPEG or PNG; content_sniffing.h), hashes it
// and writes it to a .part file of the storage, holding no more than one piece in memory.
//
// An upload refused from the request's head (no token, no such entity, ...) carries the
// reason and reads nothing. One that goes wrong mid-body (not a supported type, a disk
// error) stops the read and keeps the reason. Whatever happens, its .part file is removed
// unless the route commits it (DocumentStorage::Commit) — when the upload is destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "auth/roles.h"
#include "core/result.h"
#include "documents/content_sniffing.h"
#include "documents/document_storage.h"
#include "documents/sha256_stream.h"
#include "http/request.h"

namespace celeste::documents {

// The largest document: 20 MiB (the migration's CHECK agrees).
inline constexpr uint64_t kMaxDocumentBytes = uint64_t{20} * 1024 * 1024;

// What the request's head established: who uploads what, to which entity.
struct UploadTarget {
  std::string yacht_id;
  std::string entity_type;
  std::string entity_id;
  std::string user_id;
  Role role = Role::kCrew;
};

// A whole upload, received and synced to disk.
struct ReceivedFile {
  DocumentType type = DocumentType::kPdf;
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
};

class DocumentUpload final : public BodySink {
 public:
  // Refused from the head: reads nothing, Finish() returns `why`.
  explicit DocumentUpload(Status why);
  // Accepting: writes to a new .part file of `storage` (created with the first bytes).
  DocumentUpload(DocumentStorage& storage, UploadTarget target);

  bool accepting() const override { return status_.ok(); }
  uint64_t limit() const override { return kMaxDocumentBytes; }
  bool Append(std::string_view bytes) override;

  // After the last byte: the file's type, size and digest, synced to disk; or why the
  // upload is refused (415 unsupported_media_type: not a PDF, JPEG or PNG; 400
  // invalid_request: empty; the head's refusal; a disk error). Call once.
  Result<ReceivedFile> Finish();

  const UploadTarget& target() const { return target_; }
  // The .part file, for DocumentStorage::Commit (after a successful Finish()).
  UploadFile& file() { return *file_; }

 private:
  bool Fail(Status why);

  DocumentStorage* storage_ = nullptr;
  UploadTarget target_;
  Status status_;  // the first failure; OK while all is well
  std::optional<UploadFile> file_;
  std::string head_;  // the first bytes, until the type is known
  std::optional<DocumentType> type_;
  uint64_t size_ = 0;
  Sha256Stream sha256_;
};

}  // namespace celeste::documents
