// Content sniffing (docs/documents.md): a document's type comes from its first bytes only,
// and a streamed SHA-256 equals the one-shot digest however the bytes are cut.
#include "documents/content_sniffing.h"

#include <gtest/gtest.h>

#include <string>

#include "core/hash.h"
#include "documents/sha256_stream.h"

namespace celeste::documents {
namespace {

using namespace std::string_literals;  // NOLINT(google-build-using-namespace)
using V = Sniff::Verdict;

TEST(ContentSniffingTest, DecidesFromTheFirstBytesAlone) {
  struct Case {
    const char* name;
    std::string head;
    V verdict;
    DocumentType type;
  };
  const Case cases[] = {
      {"pdf", "%PDF-1.7\n%\xE2\xE3"s, V::kMatch, DocumentType::kPdf},
      {"pdf, the magic only", "%PDF-"s, V::kMatch, DocumentType::kPdf},
      {"jpeg (JFIF)", "\xFF\xD8\xFF\xE0\x00\x10JFIF"s, V::kMatch, DocumentType::kJpeg},
      {"jpeg (Exif)", "\xFF\xD8\xFF\xE1"s, V::kMatch, DocumentType::kJpeg},
      {"png", "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"s, V::kMatch, DocumentType::kPng},
      {"nothing yet", ""s, V::kNeedMore, DocumentType::kPdf},
      {"a pdf's first bytes", "%PD"s, V::kNeedMore, DocumentType::kPdf},
      {"a jpeg's first bytes", "\xFF\xD8"s, V::kNeedMore, DocumentType::kPdf},
      {"a png's first bytes", "\x89PNG\r\n"s, V::kNeedMore, DocumentType::kPdf},
      {"text", "hello world"s, V::kUnsupported, DocumentType::kPdf},
      {"html", "<!DOCTYPE html><script>"s, V::kUnsupported, DocumentType::kPdf},
      {"a pdf in lower case", "%pdf-1.4"s, V::kUnsupported, DocumentType::kPdf},
      {"pdf after a space", " %PDF-1.4"s, V::kUnsupported, DocumentType::kPdf},
      {"gif", "GIF89a"s, V::kUnsupported, DocumentType::kPdf},
      {"zip (docx)", "PK\x03\x04"s, V::kUnsupported, DocumentType::kPdf},
      {"png with a broken signature", "\x89PNG\r\n\x1A\x0A"s.substr(0, 7) + "X"s, V::kUnsupported,
       DocumentType::kPdf},
      {"a single zero byte", "\x00"s, V::kUnsupported, DocumentType::kPdf},
  };
  for (const Case& c : cases) {
    const Sniff sniff = SniffContent(c.head);
    EXPECT_EQ(sniff.verdict, c.verdict) << c.name;
    if (c.verdict == V::kMatch) EXPECT_EQ(sniff.type, c.type) << c.name;
  }
}

TEST(ContentSniffingTest, NamesAndExtensionsAreFixed) {
  EXPECT_EQ(ContentTypeName(DocumentType::kPdf), "application/pdf");
  EXPECT_EQ(ContentTypeName(DocumentType::kJpeg), "image/jpeg");
  EXPECT_EQ(ContentTypeName(DocumentType::kPng), "image/png");
  EXPECT_EQ(Extension(DocumentType::kPdf), "pdf");
  EXPECT_EQ(Extension(DocumentType::kJpeg), "jpg");
  EXPECT_EQ(Extension(DocumentType::kPng), "png");
  for (auto type : {DocumentType::kPdf, DocumentType::kJpeg, DocumentType::kPng}) {
    EXPECT_EQ(ParseContentType(ContentTypeName(type)), type);
  }
  EXPECT_EQ(ParseContentType("text/html"), std::nullopt);
}

TEST(Sha256StreamTest, EqualsTheOneShotDigestHoweverTheBytesAreCut) {
  InitCrypto();
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>((i * 131) % 251));
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}, data.size()}) {
    Sha256Stream stream;
    for (size_t at = 0; at < data.size(); at += piece) {
      stream.Update(std::string_view(data).substr(at, piece));
    }
    EXPECT_EQ(stream.FinishHex(), Sha256Hex(data)) << "pieces of " << piece;
  }
  Sha256Stream empty;
  EXPECT_EQ(empty.FinishHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace celeste::documents
