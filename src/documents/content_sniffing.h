// What a document is, decided from its first bytes (never from a client's Content-Type or
// file name): PDF ("%PDF-"), JPEG (FF D8 FF) or PNG (the 8-byte PNG signature).
#pragma once

#include <optional>
#include <string_view>

namespace celeste::documents {

enum class DocumentType { kPdf, kJpeg, kPng };

// "application/pdf", "image/jpeg", "image/png".
std::string_view ContentTypeName(DocumentType type);
std::optional<DocumentType> ParseContentType(std::string_view name);
// The stored file's extension, without the dot: "pdf", "jpg", "png".
std::string_view Extension(DocumentType type);

// The longest signature: after this many bytes a sniff is never kNeedMore.
inline constexpr size_t kSniffBytes = 8;

struct Sniff {
  enum class Verdict { kMatch, kNeedMore, kUnsupported } verdict = Verdict::kNeedMore;
  DocumentType type = DocumentType::kPdf;  // kMatch only
};

// Looks at the first bytes of a body (all of it when shorter than kSniffBytes):
// kMatch when they begin with a signature; kNeedMore while they are a proper prefix of
// one; kUnsupported when no signature can match.
Sniff SniffContent(std::string_view head);

}  // namespace celeste::documents
