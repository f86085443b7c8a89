// DocumentUpload, the sink of POST /v1/documents (docs/documents.md): the type is sniffed
// from the first bytes even when they arrive one at a time, a wrong type stops the upload at
// once, the size and SHA-256 are those of every byte, and nothing is left on disk by an
// upload that is refused, fails or is abandoned.
#include "documents/document_upload.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../store/temp_dir.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/uuid.h"

namespace celeste::documents {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;  // NOLINT(google-build-using-namespace)

size_t FilesIn(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    n += e.is_regular_file() && e.path().extension() != ".lock";
  }
  return n;
}

class DocumentUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    SetLogLevel(LogLevel::kWarn);
    auto storage = DocumentStorage::Open(dir_.path() / "documents");
    ASSERT_TRUE(storage.ok()) << storage.status().ToString();
    storage_ = std::move(storage).value();
  }

  DocumentUpload NewUpload() {
    return DocumentUpload(*storage_, UploadTarget{.yacht_id = NewUuidV7(),
                                                  .entity_type = "certificate",
                                                  .entity_id = NewUuidV7(),
                                                  .user_id = NewUuidV7(),
                                                  .role = Role::kCaptain});
  }

  size_t Files() const { return FilesIn(storage_->root()); }

  celeste::testing::TempDir dir_;
  std::unique_ptr<DocumentStorage> storage_;
};

TEST_F(DocumentUploadTest, ReceivesPieceByPieceWithItsTypeSizeAndDigest) {
  struct Case {
    const char* name;
    std::string body;
    DocumentType type;
    size_t piece;
  };
  std::string filler;
  for (int i = 0; i < 70000; ++i) filler.push_back(static_cast<char>(i % 256));
  const Case cases[] = {
      {"pdf in one piece", "%PDF-1.7\n"s + filler, DocumentType::kPdf, 1 << 20},
      {"pdf one byte at a time", "%PDF-1.7\n"s + filler.substr(0, 300), DocumentType::kPdf, 1},
      {"jpeg in 3-byte pieces", "\xFF\xD8\xFF\xE0"s + filler, DocumentType::kJpeg, 3},
      {"png in 4 KiB pieces", "\x89PNG\r\n\x1A\n"s + filler, DocumentType::kPng, 4096},
      {"png one byte at a time", "\x89PNG\r\n\x1A\n"s + filler.substr(0, 100), DocumentType::kPng,
       1},
      {"just the pdf magic", "%PDF-"s, DocumentType::kPdf, 2},
  };
  for (const Case& c : cases) {
    DocumentUpload upload = NewUpload();
    EXPECT_TRUE(upload.accepting());
    EXPECT_EQ(upload.limit(), 20u * 1024 * 1024);
    for (size_t at = 0; at < c.body.size(); at += c.piece) {
      ASSERT_TRUE(upload.Append(std::string_view(c.body).substr(at, c.piece))) << c.name;
    }
    auto file = upload.Finish();
    ASSERT_TRUE(file.ok()) << c.name << ": " << file.status().ToString();
    EXPECT_EQ(file->type, c.type) << c.name;
    EXPECT_EQ(file->size, c.body.size()) << c.name;
    EXPECT_EQ(file->sha256, Sha256Hex(c.body)) << c.name;
    EXPECT_EQ(Files(), 1u) << c.name << ": the .part file until committed";
  }
  EXPECT_EQ(Files(), 0u) << "none committed: nothing left";
}

TEST_F(DocumentUploadTest, AWrongTypeStopsAtItsFirstBytesAndLeavesNothing) {
  struct Case {
    const char* name;
    std::string body;
    size_t piece;
    size_t accepted_pieces;  // Append calls that return true
  };
  const Case cases[] = {
      {"text", "hello, this is not a pdf", 1 << 20, 0},
      {"text one byte at a time", "hello", 1, 0},
      {"html", "<html><body>%PDF-</body></html>", 4, 0},
      {"pdf-like then wrong", "%PDX-1.4 and more", 2, 1},  // "%P" could still be a PDF
      {"png-like then wrong", "\x89PNG\r\n\x1A!rest"s, 4, 1},
  };
  for (const Case& c : cases) {
    DocumentUpload upload = NewUpload();
    size_t accepted = 0;
    for (size_t at = 0; at < c.body.size(); at += c.piece) {
      if (!upload.Append(std::string_view(c.body).substr(at, c.piece))) break;
      ++accepted;
    }
    EXPECT_EQ(accepted, c.accepted_pieces) << c.name;
    EXPECT_FALSE(upload.Append("%PDF-")) << c.name << ": stopped for good";
    auto file = upload.Finish();
    EXPECT_EQ(file.status().code(), ErrorCode::kUnsupportedMediaType) << c.name;
    EXPECT_EQ(Files(), 0u) << c.name;
  }
}

TEST_F(DocumentUploadTest, EmptyOrTooShortBodiesAreRefused) {
  DocumentUpload empty = NewUpload();
  EXPECT_EQ(empty.Finish().status().code(), ErrorCode::kInvalidRequest);
  DocumentUpload short_pdf = NewUpload();
  ASSERT_TRUE(short_pdf.Append("%PD"));
  EXPECT_EQ(short_pdf.Finish().status().code(), ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Files(), 0u);
}

TEST_F(DocumentUploadTest, OverTheLimitItStopsEvenIfTheServerDidNot) {
  DocumentUpload upload = NewUpload();
  const std::string piece = "%PDF-" + std::string(1024 * 1024 - 5, 'x');
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(upload.Append(piece)) << i;
  EXPECT_FALSE(upload.Append("x")) << "20 MiB + 1 byte";
  EXPECT_EQ(upload.Finish().status().code(), ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(Files(), 0u);
}

TEST_F(DocumentUploadTest, ARefusalFromTheHeadReadsNothing) {
  DocumentUpload refused(Status::Error(ErrorCode::kForbiddenRole, "crew may not"));
  EXPECT_FALSE(refused.accepting());
  EXPECT_FALSE(refused.Append("%PDF-1.4"));
  EXPECT_EQ(refused.Finish().status().code(), ErrorCode::kForbiddenRole);
  EXPECT_EQ(Files(), 0u);
}

TEST_F(DocumentUploadTest, AnAbandonedUploadRemovesItsFile) {
  {
    DocumentUpload upload = NewUpload();
    ASSERT_TRUE(upload.Append("%PDF-1.4 " + std::string(100000, 'y')));
    EXPECT_EQ(Files(), 1u);
  }  // the client went away: the server drops the sink
  EXPECT_EQ(Files(), 0u);
}

}  // namespace
}  // namespace celeste::documents
