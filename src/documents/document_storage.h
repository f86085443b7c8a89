// DocumentStorage: the files behind pms_documents, on a local (or mounted) file system.
//
// Layout under the storage root (docs/documents.md):
//   yachts/<yacht_id>/documents/<document_id>.<pdf|jpg|png>   stored documents
//   tmp/<instance>.lock                                       one per running server
//   tmp/<instance>.<upload>.part                              uploads being received
// Every path is made from ids the server checked or made (UUIDs) and a fixed extension;
// nothing a client sends becomes part of a path, so no request can reach outside the root.
//
// An upload is written to a .part file (UploadFile), then fsync'ed and renamed into place
// (Commit), so a stored document is never half-written. An UploadFile that is not
// committed removes its .part file when destroyed (client gone, body refused, any error).
// A server that dies mid-upload leaves its .part files behind; each server holds an
// exclusive lock (flock) on its own tmp/<instance>.lock while it runs, and Open() removes
// the .part files of every instance whose lock nobody holds — so several servers may share
// one root.
//
// Thread-safe: uploads and reads run concurrently on the server's io threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "documents/content_sniffing.h"

namespace celeste::documents {

class DocumentStorage;

// A .part file being written. Move-only; removes the file unless committed.
class UploadFile {
 public:
  UploadFile(UploadFile&& other) noexcept;
  UploadFile& operator=(UploadFile&&) = delete;
  UploadFile(const UploadFile&) = delete;
  ~UploadFile();

  // Appends all of `bytes` (retrying short writes).
  Status Write(std::string_view bytes);
  // Flushes the file's data to disk.
  Status Sync();
  const std::filesystem::path& path() const { return path_; }

 private:
  friend class DocumentStorage;
  UploadFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::filesystem::path path_;
  bool committed_ = false;
};

// A stored document opened for reading: the descriptor (owned by the caller once
// released) and its size.
struct OpenedDocument {
  int fd = -1;
  uint64_t size = 0;
};

class DocumentStorage {
 public:
  // Creates the root's folders when missing, takes this server's instance lock and removes
  // what dead servers left in tmp/. An error when the root cannot be created or written.
  static Result<std::unique_ptr<DocumentStorage>> Open(const std::filesystem::path& root);
  // Releases the instance lock (and removes this instance's leftover .part files).
  ~DocumentStorage();
  DocumentStorage(const DocumentStorage&) = delete;
  DocumentStorage& operator=(const DocumentStorage&) = delete;

  const std::filesystem::path& root() const { return root_; }

  // A new, empty .part file for one upload.
  Result<UploadFile> NewUpload();
  // Moves a complete, synced upload into place as the yacht's document (creating the
  // yacht's folder when needed) and makes the rename durable. `yacht_id` and `document_id`
  // must be UUIDs (invalid_field otherwise: no other text ever becomes a path).
  Status Commit(UploadFile& upload, std::string_view yacht_id, std::string_view document_id,
                DocumentType type);
  // Removes a committed document whose database row was not written after all.
  void Discard(std::string_view yacht_id, std::string_view document_id, DocumentType type);
  // Opens a stored document; not_found when its file is missing.
  Result<OpenedDocument> OpenDocument(std::string_view yacht_id, std::string_view document_id,
                                      DocumentType type) const;

  // Where a document lives (for operators and tests); "" unless both ids are UUIDs.
  std::filesystem::path PathOf(std::string_view yacht_id, std::string_view document_id,
                               DocumentType type) const;
  // .part files of dead instances removed by Open() (for the log).
  int swept_uploads() const { return swept_uploads_; }

 private:
  explicit DocumentStorage(std::filesystem::path root) : root_(std::move(root)) {}
  Status TakeInstanceLock();
  void SweepDeadUploads();

  // Constant after Open().
  const std::filesystem::path root_;
  std::string instance_;  // this server's id in tmp/
  int lock_fd_ = -1;
  int swept_uploads_ = 0;
};

// The default root: "documents" beside an SQLite database file, else ./data/documents.
std::filesystem::path DefaultDocumentsRoot(std::string_view db_url);

}  // namespace celeste::documents
