// DocumentStorage (docs/documents.md): where files go (ids only, under the root), the
// temp-file-then-rename commit, the cleanup of uploads that never finished — by the upload
// itself, and at start-up for servers that died — and that a live server's uploads survive
// another server starting on the same root.
#include "documents/document_storage.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../store/temp_dir.h"
#include "core/log.h"
#include "core/uuid.h"

namespace celeste::documents {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file under `dir`, relative to it.
std::set<std::string> FilesUnder(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
  }
  return out;
}

std::set<std::string> PartsIn(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(root / "tmp")) {
    if (e.path().extension() == ".part") out.insert(e.path().filename().string());
  }
  return out;
}

class DocumentStorageTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogLevel(LogLevel::kWarn); }

  std::unique_ptr<DocumentStorage> OpenStorage() {
    auto storage = DocumentStorage::Open(root_);
    EXPECT_TRUE(storage.ok()) << storage.status().ToString();
    return storage.ok() ? std::move(storage).value() : nullptr;
  }

  celeste::testing::TempDir dir_;
  fs::path root_ = dir_.path() / "documents";
  const std::string yacht_ = NewUuidV7();
};

TEST_F(DocumentStorageTest, OpenCreatesTheLayoutAndHoldsOneLockWhileOpen) {
  {
    auto storage = OpenStorage();
    ASSERT_NE(storage, nullptr);
    EXPECT_TRUE(fs::is_directory(root_ / "yachts"));
    EXPECT_TRUE(fs::is_directory(root_ / "tmp"));
    const std::set<std::string> files = FilesUnder(root_);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_TRUE(files.begin()->ends_with(".lock")) << *files.begin();
    EXPECT_TRUE(storage->root().is_absolute());
  }
  EXPECT_TRUE(FilesUnder(root_).empty()) << "the lock goes with the storage";
}

TEST_F(DocumentStorageTest, ACommittedUploadIsTheYachtsDocumentUnderItsIds) {
  auto storage = OpenStorage();
  ASSERT_NE(storage, nullptr);
  const std::string id = NewUuidV7();
  const fs::path path = storage->PathOf(yacht_, id, DocumentType::kPdf);
  {
    auto upload = storage->NewUpload();
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE(upload->Write("%PDF-1.4 hello").ok());
    ASSERT_TRUE(upload->Write(" world").ok());
    ASSERT_TRUE(upload->Sync().ok());
    EXPECT_EQ(PartsIn(root_).size(), 1u) << "written to a .part file first";
    ASSERT_TRUE(storage->Commit(*upload, yacht_, id, DocumentType::kPdf).ok());
    EXPECT_TRUE(PartsIn(root_).empty());
  }  // destroying a committed upload keeps its file
  EXPECT_EQ(path, fs::absolute(root_) / "yachts" / yacht_ / "documents" / (id + ".pdf"));
  EXPECT_EQ(ReadAll(path), "%PDF-1.4 hello world");

  auto opened = storage->OpenDocument(yacht_, id, DocumentType::kPdf);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->size, 20u);
  ::close(opened->fd);

  auto other_type = storage->OpenDocument(yacht_, id, DocumentType::kPng);
  EXPECT_EQ(other_type.status().code(), ErrorCode::kNotFound);
  storage->Discard(yacht_, id, DocumentType::kPdf);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(storage->OpenDocument(yacht_, id, DocumentType::kPdf).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(DocumentStorageTest, AnUploadNotCommittedLeavesNothing) {
  auto storage = OpenStorage();
  ASSERT_NE(storage, nullptr);
  {
    auto upload = storage->NewUpload();
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE(upload->Write(std::string(100000, 'x')).ok());
    EXPECT_EQ(PartsIn(root_).size(), 1u);
  }
  EXPECT_TRUE(PartsIn(root_).empty());
  EXPECT_TRUE(fs::is_empty(root_ / "yachts"));
}

TEST_F(DocumentStorageTest, NoTextButAnIdBecomesAPath) {
  auto storage = OpenStorage();
  ASSERT_NE(storage, nullptr);
  const std::string id = NewUuidV7();
  const std::vector<std::string> bad = {
      "..",
      "../..",
      "../../etc/passwd",
      "/etc/passwd",
      "",
      "a/b",
      yacht_ + "/..",
      "01234567-89ab-cdef-0123-456789abcdef/../x",
      "0192F3A4-7B1C-7DEF-8A12-3456789ABCDE",
      std::string("0192f3a4-7b1c-7def-8a12-3456789abcde\0/x", 40)};
  for (const std::string& text : bad) {
    EXPECT_TRUE(storage->PathOf(text, id, DocumentType::kPdf).empty()) << text;
    EXPECT_TRUE(storage->PathOf(yacht_, text, DocumentType::kPdf).empty()) << text;
    auto upload = storage->NewUpload();
    ASSERT_TRUE(upload.ok());
    EXPECT_EQ(storage->Commit(*upload, text, id, DocumentType::kPdf).code(),
              ErrorCode::kInvalidField)
        << text;
    EXPECT_EQ(storage->Commit(*upload, yacht_, text, DocumentType::kPdf).code(),
              ErrorCode::kInvalidField)
        << text;
    EXPECT_EQ(storage->OpenDocument(text, id, DocumentType::kPdf).status().code(),
              ErrorCode::kNotFound);
  }
  EXPECT_TRUE(fs::is_empty(root_ / "yachts"));
  EXPECT_TRUE(PartsIn(root_).empty());
}

// A server that died mid-upload left .part files; the next server to start removes them,
// but never those of a server still running on the same root.
TEST_F(DocumentStorageTest, StartUpRemovesTheUploadsOfDeadServersOnly) {
  auto live = OpenStorage();
  ASSERT_NE(live, nullptr);
  auto live_upload = live->NewUpload();
  ASSERT_TRUE(live_upload.ok());
  ASSERT_TRUE(live_upload->Write("%PDF- still arriving").ok());

  // A dead server: its lock file exists, nobody holds it; two half-written uploads.
  const std::string dead = NewUuidV7();
  std::ofstream(root_ / "tmp" / (dead + ".lock")).put('\n');
  std::ofstream(root_ / "tmp" / (dead + "." + NewUuidV7() + ".part")) << "%PDF- half";
  std::ofstream(root_ / "tmp" / (dead + "." + NewUuidV7() + ".part")) << "\x89PNG half";
  // A server whose lock file is gone altogether (removed by an operator, say).
  const std::string vanished = NewUuidV7();
  std::ofstream(root_ / "tmp" / (vanished + "." + NewUuidV7() + ".part")) << "half";
  // Something else an operator put there is not ours to remove.
  std::ofstream(root_ / "tmp" / "README") << "notes";
  ASSERT_EQ(PartsIn(root_).size(), 4u);

  auto next = OpenStorage();
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->swept_uploads(), 3);
  EXPECT_EQ(PartsIn(root_), std::set<std::string>{live_upload->path().filename().string()});
  EXPECT_FALSE(fs::exists(root_ / "tmp" / (dead + ".lock")));
  EXPECT_TRUE(fs::exists(root_ / "tmp" / "README"));

  // The live upload finishes normally.
  const std::string id = NewUuidV7();
  ASSERT_TRUE(live->Commit(*live_upload, yacht_, id, DocumentType::kPdf).ok());
  EXPECT_EQ(ReadAll(live->PathOf(yacht_, id, DocumentType::kPdf)), "%PDF- still arriving");
}

TEST_F(DocumentStorageTest, AnUnwritableRootIsRefusedAtOpen) {
  std::ofstream(dir_.path() / "a-file") << "x";
  auto storage = DocumentStorage::Open(dir_.path() / "a-file" / "documents");
  EXPECT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), ErrorCode::kInvalidField);
}

TEST(DefaultDocumentsRootTest, BesideAnSqliteDatabaseElseUnderData) {
  EXPECT_EQ(DefaultDocumentsRoot("sqlite:./data/celeste.db"), fs::path("./data/documents"));
  EXPECT_EQ(DefaultDocumentsRoot("sqlite:/var/lib/celeste/pms.db"),
            fs::path("/var/lib/celeste/documents"));
  EXPECT_EQ(DefaultDocumentsRoot("sqlite:pms.db"), fs::path("./documents"));
  EXPECT_EQ(DefaultDocumentsRoot("postgres://db/celeste"), fs::path("data/documents"));
}

}  // namespace
}  // namespace celeste::documents
