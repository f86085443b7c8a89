#include "documents/document_storage.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/log.h"
#include "core/uuid.h"

namespace celeste::documents {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLockSuffix = ".lock";
constexpr std::string_view kPartSuffix = ".part";
constexpr int kLockAttempts = 5;

Status IoError(std::string_view what, const fs::path& path, int error) {
  return Status::Internal(fmt::format("{} {}: {}", what, path.string(), std::strerror(error)));
}

// Makes a directory entry (a rename, a new folder) durable.
Status SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open folder", dir, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return IoError("cannot sync folder", dir, error);
  return Status::OK();
}

// An id as it may appear in a path: a canonical (lower-case) UUID, nothing else.
bool IsPathId(std::string_view id) { return IsUuid(id) && NormalizeUuid(id) == id; }

// "<instance>.lock" -> instance; "" for any other name.
std::string LockOwner(std::string_view name) {
  if (!name.ends_with(kLockSuffix)) return "";
  return std::string(name.substr(0, name.size() - kLockSuffix.size()));
}

// "<instance>.<upload>.part" -> instance; "" for any other name.
std::string PartOwner(std::string_view name) {
  if (!name.ends_with(kPartSuffix)) return "";
  const size_t dot = name.find('.');
  return dot == std::string_view::npos ? "" : std::string(name.substr(0, dot));
}

}  // namespace

UploadFile::UploadFile(UploadFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      committed_(std::exchange(other.committed_, true)) {}

UploadFile::~UploadFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !path_.empty()) ::unlink(path_.c_str());
}

Status UploadFile::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status UploadFile::Sync() {
  if (::fsync(fd_) != 0) return IoError("cannot sync", path_, errno);
  return Status::OK();
}

Result<std::unique_ptr<DocumentStorage>> DocumentStorage::Open(const fs::path& root) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(root, ec);
  if (ec) return Status::InvalidField("documents_dir", "bad documents folder: " + ec.message());
  for (const char* sub : {"tmp", "yachts"}) {
    fs::create_directories(absolute / sub, ec);
    if (ec) {
      return Status::InvalidField(
          "documents_dir",
          fmt::format("cannot create {}: {}", (absolute / sub).string(), ec.message()));
    }
  }
  std::unique_ptr<DocumentStorage> storage(new DocumentStorage(absolute));
  CELESTE_RETURN_IF_ERROR(storage->TakeInstanceLock());
  storage->SweepDeadUploads();
  return storage;
}

DocumentStorage::~DocumentStorage() {
  if (lock_fd_ < 0) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "tmp", ec)) {
    if (PartOwner(entry.path().filename().string()) == instance_) fs::remove(entry.path(), ec);
  }
  ::unlink((root_ / "tmp" / (instance_ + std::string(kLockSuffix))).c_str());
  ::close(lock_fd_);
}

// Creates tmp/<instance>.lock and holds an exclusive flock on it. A sweeping server may
// take the lock of a file this one just created (it looks dead until locked); then this
// one's lock fails, or the file is gone by the time it checks, and it tries a new name.
Status DocumentStorage::TakeInstanceLock() {
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    std::string instance = NewUuidV7();
    const fs::path path = root_ / "tmp" / (instance + std::string(kLockSuffix));
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return IoError("cannot create", path, errno);
    struct stat opened {};
    struct stat named {};
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &opened) == 0 &&
        ::stat(path.c_str(), &named) == 0 && opened.st_ino == named.st_ino &&
        opened.st_dev == named.st_dev) {
      instance_ = std::move(instance);
      lock_fd_ = fd;
      return Status::OK();
    }
    ::close(fd);
  }
  return Status::Internal("cannot take a lock in " + (root_ / "tmp").string());
}

// Removes the .part files of instances that are gone: their lock is free (the lock is
// taken here for the time it takes, so the dead instance's name cannot come back), or
// their lock file no longer exists. A live server's lock is never free, and its lock file
// exists before its first .part file.
void DocumentStorage::SweepDeadUploads() {
  const fs::path tmp = root_ / "tmp";
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::set<std::string> dead;
  std::vector<int> held;  // locks of dead instances, held until their files are gone
  for (const std::string& name : names) {
    const std::string owner = LockOwner(name);
    if (owner.empty() || owner == instance_) continue;
    const int fd = ::open((tmp / name).c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      dead.insert(owner);
      held.push_back(fd);
    } else {
      ::close(fd);
    }
  }
  for (const std::string& name : names) {
    const std::string owner = PartOwner(name);
    if (owner.empty() || owner == instance_) continue;
    const bool orphan = !fs::exists(tmp / (owner + std::string(kLockSuffix)), ec);
    if (dead.count(owner) == 0 && !orphan) continue;
    if (fs::remove(tmp / name, ec)) ++swept_uploads_;
  }
  for (const std::string& owner : dead) {
    ::unlink((tmp / (owner + std::string(kLockSuffix))).c_str());
  }
  for (int fd : held) ::close(fd);
  if (swept_uploads_ > 0) {
    Log(LogLevel::kInfo, "removed half-written uploads of stopped servers",
        {{"count", swept_uploads_}, {"folder", tmp.string()}});
  }
}

Result<UploadFile> DocumentStorage::NewUpload() {
  const fs::path path = root_ / "tmp" / (instance_ + "." + NewUuidV7() + std::string(kPartSuffix));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("cannot create", path, errno);
  return UploadFile(fd, path);
}

fs::path DocumentStorage::PathOf(std::string_view yacht_id, std::string_view document_id,
                                 DocumentType type) const {
  if (!IsPathId(yacht_id) || !IsPathId(document_id)) return {};
  return root_ / "yachts" / std::string(yacht_id) / "documents" /
         fmt::format("{}.{}", document_id, Extension(type));
}

Status DocumentStorage::Commit(UploadFile& upload, std::string_view yacht_id,
                               std::string_view document_id, DocumentType type) {
  const fs::path target = PathOf(yacht_id, document_id, type);
  if (target.empty()) return Status::InvalidField("document_id", "document ids are UUIDs");
  const fs::path folder = target.parent_path();
  std::error_code ec;
  const bool created = fs::create_directories(folder, ec);
  if (ec) return Status::Internal("cannot create " + folder.string() + ": " + ec.message());
  if (::rename(upload.path_.c_str(), target.c_str()) != 0) {
    return IoError("cannot move the upload to", target, errno);
  }
  upload.committed_ = true;
  CELESTE_RETURN_IF_ERROR(SyncDir(folder));
  if (created) {
    CELESTE_RETURN_IF_ERROR(SyncDir(folder.parent_path()));
    CELESTE_RETURN_IF_ERROR(SyncDir(folder.parent_path().parent_path()));
  }
  return Status::OK();
}

void DocumentStorage::Discard(std::string_view yacht_id, std::string_view document_id,
                              DocumentType type) {
  const fs::path path = PathOf(yacht_id, document_id, type);
  if (!path.empty()) ::unlink(path.c_str());
}

Result<OpenedDocument> DocumentStorage::OpenDocument(std::string_view yacht_id,
                                                     std::string_view document_id,
                                                     DocumentType type) const {
  const fs::path path = PathOf(yacht_id, document_id, type);
  if (path.empty()) return Status::NotFound("no such document");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Status::NotFound("the file of document " + std::string(document_id) + " is missing");
    }
    return IoError("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Internal("not a regular file: " + path.string());
  }
  return OpenedDocument{fd, static_cast<uint64_t>(st.st_size)};
}

fs::path DefaultDocumentsRoot(std::string_view db_url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (db_url.starts_with(kSqlite)) {
    const fs::path parent = fs::path(std::string(db_url.substr(kSqlite.size()))).parent_path();
    return (parent.empty() ? fs::path(".") : parent) / "documents";
  }
  return fs::path("data") / "documents";
}

}  // namespace celeste::documents
