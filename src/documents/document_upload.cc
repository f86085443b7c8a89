#include "documents/document_upload.h"

#include <algorithm>
#include <utility>

namespace celeste::documents {
namespace {

Status Unsupported() {
  return Status::Error(ErrorCode::kUnsupportedMediaType,
                       "a document must be a PDF, JPEG or PNG file (judged by its content)");
}

}  // namespace

DocumentUpload::DocumentUpload(Status why) : status_(std::move(why)) {
  if (status_.ok()) status_ = Status::Internal("an upload was refused without a reason");
}

DocumentUpload::DocumentUpload(DocumentStorage& storage, UploadTarget target)
    : storage_(&storage), target_(std::move(target)) {}

bool DocumentUpload::Fail(Status why) {
  status_ = std::move(why);
  file_.reset();  // removes the .part file
  return false;
}

bool DocumentUpload::Append(std::string_view bytes) {
  if (!status_.ok()) return false;
  if (bytes.empty()) return true;
  if (size_ + bytes.size() > kMaxDocumentBytes) {
    // The server enforces limit() first; this keeps the sink honest on its own.
    return Fail(Status::Error(ErrorCode::kPayloadTooLarge, "a document is at most 20 MiB"));
  }
  if (!type_) {
    head_.append(bytes.substr(0, kSniffBytes - std::min(head_.size(), kSniffBytes)));
    const Sniff sniff = SniffContent(head_);
    if (sniff.verdict == Sniff::Verdict::kUnsupported) return Fail(Unsupported());
    if (sniff.verdict == Sniff::Verdict::kMatch) type_ = sniff.type;
  }
  if (!file_) {
    auto file = storage_->NewUpload();
    if (!file.ok()) return Fail(std::move(file).TakeStatus());
    file_.emplace(std::move(file).value());
  }
  if (Status s = file_->Write(bytes); !s.ok()) return Fail(std::move(s));
  sha256_.Update(bytes);
  size_ += bytes.size();
  return true;
}

Result<ReceivedFile> DocumentUpload::Finish() {
  if (!status_.ok()) return status_;
  if (size_ == 0) return Status::InvalidRequest("send the file as the request body");
  if (!type_) {
    Fail(Unsupported());  // shorter than any signature it began like
    return status_;
  }
  if (Status s = file_->Sync(); !s.ok()) {
    Fail(s);
    return s;
  }
  return ReceivedFile{*type_, size_, sha256_.FinishHex()};
}

}  // namespace celeste::documents
