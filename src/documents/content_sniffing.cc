#include "documents/content_sniffing.h"

#include <array>

namespace celeste::documents {
namespace {

struct Signature {
  DocumentType type;
  std::string_view magic;
  std::string_view content_type;
  std::string_view extension;
};

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace)

constexpr std::array kSignatures = {
    Signature{DocumentType::kPdf, "%PDF-"sv, "application/pdf", "pdf"},
    Signature{DocumentType::kJpeg, "\xFF\xD8\xFF"sv, "image/jpeg", "jpg"},
    Signature{DocumentType::kPng, "\x89PNG\r\n\x1A\n"sv, "image/png", "png"},
};

const Signature& SignatureOf(DocumentType type) {
  for (const Signature& s : kSignatures) {
    if (s.type == type) return s;
  }
  return kSignatures[0];  // unreachable for a valid enum value
}

}  // namespace

std::string_view ContentTypeName(DocumentType type) { return SignatureOf(type).content_type; }

std::optional<DocumentType> ParseContentType(std::string_view name) {
  for (const Signature& s : kSignatures) {
    if (s.content_type == name) return s.type;
  }
  return std::nullopt;
}

std::string_view Extension(DocumentType type) { return SignatureOf(type).extension; }

Sniff SniffContent(std::string_view head) {
  bool could_match = false;
  for (const Signature& s : kSignatures) {
    if (head.starts_with(s.magic)) return Sniff{Sniff::Verdict::kMatch, s.type};
    if (s.magic.starts_with(head)) could_match = true;
  }
  return Sniff{could_match ? Sniff::Verdict::kNeedMore : Sniff::Verdict::kUnsupported,
               DocumentType::kPdf};
}

}  // namespace celeste::documents
