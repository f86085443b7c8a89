// Per-yacht document storage over HTTP on both backends (docs/documents.md): uploads of PDF,
// JPEG and PNG judged by their bytes, streamed to disk under yachts/<yacht_id>/ with their
// SHA-256, downloaded byte for byte by members of that yacht only; refusals (type, size,
// role, yacht, entity, token, traversal attempts) that leave nothing on disk, uploads cut
// off by the client or by a dying server cleaned up, and the audit row of each upload.
#include <signal.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "core/hash.h"
#include "integration/certificates_support.h"

namespace celeste::testing {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMiB = 1024 * 1024;

class DocumentsTest : public CertificatesFixture {
 protected:
  std::string Query(const DemoYacht& yacht, const std::string& type, const std::string& id) {
    return "yacht_id=" + yacht.id + "&entity_type=" + type + "&entity_id=" + id;
  }

  // Rows of pms_documents and audit rows of both yachts, read past the server.
  std::string Fingerprint() {
    RunResult r =
        RunSql(*server_, "SELECT COUNT(*) FROM pms_documents; SELECT COUNT(*) FROM pms_audit_log;");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string Fault(const DemoYacht& yacht) {
    ClientResponse r = Execute(yacht.users.at("crew"), yacht.id, "report_fault",
                               {{"title", "Bilge pump noisy"}, {"severity", "medium"}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? Text(r.Json().at("entity_id")) : "";
  }

  std::string WorkOrder(const DemoYacht& yacht) {
    ClientResponse r = Execute(yacht.users.at("chief_engineer"), yacht.id, "create_work_order",
                               {{"title", "Service bilge pump"}});
    EXPECT_EQ(r.status, 201) << Describe(r);
    return r.status == 201 ? Text(r.Json().at("entity_id")) : "";
  }

  // The head of an upload of `length` bytes to `certificate`, as a raw request.
  std::string UploadHead(const std::string& certificate, const std::string& length_header) {
    return "POST /v1/documents?" + Query(A(), "certificate", certificate) +
           " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server_->TokenFor(UserA("captain")) +
           "\r\nContent-Type: application/pdf\r\n" + length_header + "\r\n";
  }
};

TEST_F(DocumentsTest, EachTypeIsStoredUnderItsYachtAndComesBackByteForByte) {
  const std::string certificate = AddCertificate(A(), 400);
  struct Case {
    const char* name;
    std::string body;
    std::string sent_as;  // the client's Content-Type: never trusted
    std::string content_type;
    std::string extension;
  };
  const Case cases[] = {
      {"pdf", Pdf(300000), "application/pdf", "application/pdf", "pdf"},
      {"png sent as a pdf", Png(70000), "application/pdf", "image/png", "png"},
      {"jpeg sent as text", Jpeg(5000), "text/plain", "image/jpeg", "jpg"},
  };
  std::vector<std::string> ids;
  for (const Case& c : cases) {
    ClientResponse up =
        Upload(UserA("chief_officer"), Query(A(), "certificate", certificate), c.body, c.sent_as);
    ASSERT_EQ(up.status, 201) << c.name << ": " << Describe(up);
    const boost::json::value json = up.Json();
    const std::string id = Text(json.at("document_id"));
    ids.push_back(id);
    const boost::json::object& doc = json.at("document").as_object();
    EXPECT_EQ(Text(doc.at("id")), id);
    EXPECT_EQ(Text(doc.at("content_type")), c.content_type) << c.name;
    EXPECT_EQ(doc.at("size").to_number<int64_t>(), static_cast<int64_t>(c.body.size()));
    EXPECT_EQ(Text(doc.at("sha256")), Sha256Hex(c.body)) << c.name;
    EXPECT_EQ(Text(doc.at("entity_type")), "certificate");
    EXPECT_EQ(Text(doc.at("entity_id")), certificate);
    EXPECT_EQ(Text(doc.at("uploaded_by")), UserA("chief_officer").user_id);
    EXPECT_FALSE(Text(json.at("audit_id")).empty());
    EXPECT_TRUE(StoredFiles().count("yachts/" + A().id + "/documents/" + id + "." + c.extension))
        << c.name;

    // Any member of the yacht downloads it.
    ClientResponse down = Download(UserA("crew"), A().id, id);
    ASSERT_EQ(down.status, 200) << c.name << ": " << Describe(down);
    EXPECT_TRUE(down.body == c.body) << c.name << ": the bytes uploaded";
    EXPECT_EQ(Sha256Hex(down.body), Text(doc.at("sha256")));
    EXPECT_EQ(down.Header("content-type"), c.content_type);
    EXPECT_EQ(down.Header("content-length"), std::to_string(c.body.size()));
    EXPECT_EQ(down.Header("content-disposition"),
              "attachment; filename=\"certificate-" + id + "." + c.extension + "\"");
    EXPECT_EQ(down.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(down.Header("etag"), "\"" + Sha256Hex(c.body) + "\"");
  }
  EXPECT_EQ(Parts(), 0u);

  // The certificate lists them, oldest first.
  const boost::json::object detail = Certificate(certificate);
  ASSERT_EQ(detail.at("documents").as_array().size(), 3u);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(Text(detail.at("documents").as_array()[i].at("id")), ids[i]);
  }

  // Each upload wrote one audit row, and the chain verifies.
  ClientResponse trail =
      Get(UserA("crew"), "/v1/audit?yacht_id=" + A().id + "&entity_id=" + ids[0]);
  ASSERT_EQ(trail.status, 200) << Describe(trail);
  const boost::json::array entries = trail.Json().at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(Text(entries[0].at("action")), "upload_document");
  EXPECT_EQ(Text(entries[0].at("entity_type")), "document");
  EXPECT_EQ(Text(entries[0].at("actor_id")), UserA("chief_officer").user_id);
  EXPECT_EQ(Text(entries[0].at("actor_role")), "chief_officer");
  EXPECT_EQ(Text(entries[0].at("payload").at("sha256")), Sha256Hex(cases[0].body));
  RunResult verify = server_->Cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(DocumentsTest, WhatIsNotAPdfJpegOrPngIsRefusedAndLeavesNothing) {
  const std::string certificate = AddCertificate(A(), 400);
  const std::string before = Fingerprint();
  struct Case {
    const char* name;
    std::string body;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"text", "Certificate of registry, scanned as text\n", 415, "unsupported_media_type"},
      {"html hiding a pdf magic", "<html>%PDF-1.4</html>" + std::string(200000, ' '), 415,
       "unsupported_media_type"},
      {"gif", "GIF89a" + std::string(1000, '\0'), 415, "unsupported_media_type"},
      {"shorter than any signature", "%PD", 415, "unsupported_media_type"},
      {"empty", "", 400, "invalid_request"},
  };
  for (const Case& c : cases) {
    ClientResponse r =
        Upload(UserA("captain"), Query(A(), "certificate", certificate), c.body, "application/pdf");
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name << ": " << Describe(r);
  }
  EXPECT_TRUE(StoredFiles().empty());
  EXPECT_EQ(Fingerprint(), before) << "no row, no audit row";
}

TEST_F(DocumentsTest, TwentyMebibytesAreAcceptedOneByteMoreIsNotAndLeavesNothing) {
  const std::string certificate = AddCertificate(A(), 400);
  const std::string at_limit = Png(20 * kMiB);
  ClientResponse ok = Upload(UserA("captain"), Query(A(), "certificate", certificate), at_limit);
  ASSERT_EQ(ok.status, 201) << Describe(ok);
  const std::string id = Text(ok.Json().at("document_id"));
  EXPECT_EQ(Text(ok.Json().at("document").at("sha256")), Sha256Hex(at_limit));
  ClientResponse down = Download(UserA("crew"), A().id, id);
  EXPECT_EQ(down.body.size(), at_limit.size());
  EXPECT_TRUE(down.body == at_limit);
  const std::set<std::string> stored = StoredFiles();
  const std::string before = Fingerprint();

  // With a Content-Length: refused from the head.
  ClientResponse over =
      Upload(UserA("captain"), Query(A(), "certificate", certificate), Png(20 * kMiB + 1));
  EXPECT_TRUE(IsError(over, 413, "payload_too_large")) << Describe(over);
  EXPECT_EQ(StoredFiles(), stored);

  // Chunked: refused once the byte past the limit arrives, after 20 MiB went to disk.
  RawConnection raw(server_->port());
  std::thread writer([&] {
    std::string request = UploadHead(certificate, "Transfer-Encoding: chunked\r\n");
    const std::string body = Pdf(20 * kMiB + 1);
    for (size_t at = 0; at < body.size(); at += kMiB) {
      const std::string piece = body.substr(at, kMiB);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      request += size + piece + "\r\n";
    }
    request += "0\r\n\r\n";
    raw.Send(request);  // the server may close before all of it is read
  });
  const std::string answer = raw.ReadUntilClosed();
  writer.join();
  EXPECT_EQ(answer.find("HTTP/1.1 413"), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
  EXPECT_TRUE(Eventually([&] { return StoredFiles() == stored; })) << "nothing new on disk";
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(DocumentsTest, AnUploadTheClientCutsOffLeavesNothing) {
  const std::string certificate = AddCertificate(A(), 400);
  const std::string before = Fingerprint();
  {
    RawConnection raw(server_->port());
    ASSERT_TRUE(raw.Send(UploadHead(certificate, "Content-Length: 5000000\r\n")));
    ASSERT_TRUE(raw.Send(Pdf(2 * kMiB)));
    // The upload is on its way to disk...
    ASSERT_TRUE(Eventually([&] { return Parts() == 1; })) << "a .part file while it arrives";
  }  // ...when the client goes away with 3 MB still to send.
  EXPECT_TRUE(Eventually([&] { return StoredFiles().empty(); })) << "the .part file is removed";
  EXPECT_EQ(Fingerprint(), before);

  // The next upload works as usual.
  ClientResponse ok = Upload(UserA("captain"), Query(A(), "certificate", certificate), Pdf());
  EXPECT_EQ(ok.status, 201) << Describe(ok);
}

TEST_F(DocumentsTest, AServerThatDiesMidUploadIsCleanedUpWhenOneStarts) {
  const std::string certificate = AddCertificate(A(), 400);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send(UploadHead(certificate, "Content-Length: 5000000\r\n")));
  ASSERT_TRUE(raw.Send(Pdf(kMiB)));
  ASSERT_TRUE(Eventually([&] { return Parts() == 1; }));
  ASSERT_EQ(::kill(server_->pid(), SIGKILL), 0);
  raw.Close();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Parts(), 1u) << "a killed server cleans nothing";

  server_->Restart();
  ASSERT_TRUE(WaitUntilServing(*server_, std::chrono::seconds(10)));
  EXPECT_EQ(Parts(), 0u) << "removed at start-up";
  EXPECT_TRUE(StoredFiles().empty());
  ClientResponse ok = Upload(UserA("captain"), Query(A(), "certificate", certificate), Pdf());
  EXPECT_EQ(ok.status, 201) << Describe(ok);
}

TEST_F(DocumentsTest, WhoMayUploadDependsOnTheEntityAndEveryMemberMayRead) {
  const std::string certificate = AddCertificate(A(), 400);
  const std::string fault = Fault(A());
  const std::string work_order = WorkOrder(A());
  ASSERT_FALSE(fault.empty());
  ASSERT_FALSE(work_order.empty());
  struct Case {
    const char* role;
    const char* type;
    std::string id;
    int status;
  };
  const Case cases[] = {
      {"crew", "certificate", certificate, 403},
      {"purser", "certificate", certificate, 403},
      {"chief_engineer", "certificate", certificate, 201},
      {"chief_officer", "certificate", certificate, 201},
      {"captain", "certificate", certificate, 201},
      {"manager", "certificate", certificate, 201},
      {"crew", "fault", fault, 201},
      {"purser", "fault", fault, 201},
      {"crew", "work_order", work_order, 201},
  };
  std::string any_document;
  for (const Case& c : cases) {
    ClientResponse r = UploadTo(UserA(c.role), A(), c.type, c.id, Pdf(1000));
    if (c.status == 403) {
      EXPECT_TRUE(IsError(r, 403, "forbidden_role")) << c.role << " " << c.type << Describe(r);
    } else {
      EXPECT_EQ(r.status, 201) << c.role << " " << c.type << ": " << Describe(r);
      if (r.status == 201) any_document = Text(r.Json().at("document_id"));
    }
  }
  for (const char* role : {"crew", "purser", "chief_engineer", "captain", "manager"}) {
    EXPECT_EQ(Download(UserA(role), A().id, any_document).status, 200) << role;
  }
}

TEST_F(DocumentsTest, AnotherYachtsDocumentsAndEntitiesAreNotFound) {
  const std::string certificate = AddCertificate(A(), 400);
  ClientResponse up = UploadTo(UserA("captain"), A(), "certificate", certificate, Pdf());
  ASSERT_EQ(up.status, 201) << Describe(up);
  const std::string document = Text(up.Json().at("document_id"));
  const std::set<std::string> stored = StoredFiles();
  const std::string before = Fingerprint();

  // Yacht B's captain, in B's scope: A's ids look exactly like missing ones.
  const DemoUser& b = UserB("captain");
  EXPECT_TRUE(IsError(Download(b, B().id, document), 404, "not_found"));
  EXPECT_TRUE(IsError(Download(b, B().id, RandomUuidV4()), 404, "not_found"));
  EXPECT_TRUE(IsError(UploadTo(b, B(), "certificate", certificate, Pdf()), 404, "not_found"));
  // In A's scope B's captain is no member.
  EXPECT_TRUE(IsError(Download(b, A().id, document), 403, "yacht_access_denied"));
  EXPECT_TRUE(
      IsError(UploadTo(b, A(), "certificate", certificate, Pdf()), 403, "yacht_access_denied"));
  // An entity that does not exist, or of another type.
  EXPECT_TRUE(IsError(UploadTo(UserA("captain"), A(), "certificate", RandomUuidV4(), Pdf()), 404,
                      "not_found"));
  EXPECT_TRUE(
      IsError(UploadTo(UserA("captain"), A(), "fault", certificate, Pdf()), 404, "not_found"));
  EXPECT_TRUE(
      IsError(UploadTo(UserA("captain"), A(), "certificate", document, Pdf()), 404, "not_found"))
      << "a document is no certificate";
  EXPECT_EQ(StoredFiles(), stored);
  EXPECT_EQ(Fingerprint(), before);

  // The manager sits on both yachts: still, each yacht sees its own.
  const DemoUser& manager = UserA("manager");
  if (UserB("manager").user_id == manager.user_id) {
    EXPECT_TRUE(IsError(Download(manager, B().id, document), 404, "not_found"));
  }
}

TEST_F(DocumentsTest, NoParameterCanReachOutsideTheYachtsFolder) {
  const std::string certificate = AddCertificate(A(), 400);
  const std::string before = Fingerprint();
  const DemoUser& captain = UserA("captain");
  const std::string good = "&entity_type=certificate&entity_id=" + certificate;
  struct Case {
    const char* name;
    std::string query;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"yacht_id a path", "yacht_id=../../etc" + good, 400, "invalid_request"},
      {"yacht_id encoded", "yacht_id=..%2F..%2Fetc" + good, 400, "invalid_request"},
      {"entity_type a path",
       "yacht_id=" + A().id + "&entity_type=../../etc&entity_id=" + certificate, 400,
       "invalid_field"},
      {"entity_type a table", "yacht_id=" + A().id + "&entity_type=users&entity_id=" + certificate,
       400, "invalid_field"},
      {"entity_id a path", "yacht_id=" + A().id + "&entity_type=certificate&entity_id=../../x", 400,
       "invalid_field"},
      {"entity_id with a suffix",
       "yacht_id=" + A().id + "&entity_type=certificate&entity_id=" + certificate + "%2F..", 400,
       "invalid_field"},
      {"a file name", "yacht_id=" + A().id + good + "&file_name=../../../etc/cron.d/x", 400,
       "unknown_field"},
      {"a path", "yacht_id=" + A().id + good + "&path=/tmp/x.pdf", 400, "unknown_field"},
      {"no entity_type", "yacht_id=" + A().id + "&entity_id=" + certificate, 400, "missing_field"},
      {"no entity_id", "yacht_id=" + A().id + "&entity_type=certificate", 400, "missing_field"},
  };
  for (const Case& c : cases) {
    ClientResponse r = Upload(captain, c.query, Pdf());
    EXPECT_TRUE(IsError(r, c.status, c.code)) << c.name << ": " << Describe(r);
  }
  ClientResponse up = UploadTo(captain, A(), "certificate", certificate, Pdf());
  ASSERT_EQ(up.status, 201);
  const std::string document = Text(up.Json().at("document_id"));
  for (const std::string& id :
       {std::string(".."), std::string("%2e%2e"), std::string("..%2F..%2Fetc%2Fpasswd"),
        document + ".pdf", document + "%00", document.substr(0, 35),
        std::string("%2Fetc%2Fpasswd")}) {
    ClientResponse r = Download(captain, A().id, id);
    EXPECT_EQ(r.status, 404) << id << ": " << Describe(r);
  }
  ClientResponse extra = Get(captain, "/v1/documents/" + document + "?yacht_id=" + A().id +
                                          "&file_name=..%2F..%2Fetc%2Fpasswd");
  EXPECT_TRUE(IsError(extra, 400, "unknown_field")) << Describe(extra);

  // Everything the server ever wrote is a document under its yacht and ids.
  const std::regex kStored("yachts/[0-9a-f-]{36}/documents/[0-9a-f-]{36}\\.(pdf|jpg|png)");
  for (const std::string& file : StoredFiles()) {
    EXPECT_TRUE(std::regex_match(file, kStored)) << file;
  }
  EXPECT_EQ(StoredFiles().size(), 1u);
}

TEST_F(DocumentsTest, NoTokenNoUploadAndTheBodyIsNotEvenRead) {
  const std::string certificate = AddCertificate(A(), 400);
  auto r = client_->Post("/v1/documents?" + Query(A(), "certificate", certificate), Pdf(),
                         {{"Content-Type", "application/pdf"}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(IsError(*r, 401, "missing_token")) << Describe(*r);

  // A head announcing 15 MB is answered at once, without waiting for a byte of it.
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send("POST /v1/documents?" + Query(A(), "certificate", certificate) +
                       " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nonsense\r\n"
                       "Content-Length: 15000000\r\nExpect: 100-continue\r\n\r\n"));
  const std::string answer = raw.ReadUntilClosed();
  EXPECT_EQ(answer.find("HTTP/1.1 401"), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
  EXPECT_TRUE(StoredFiles().empty());
}

TEST_F(DocumentsTest, TheOwningLensFlagGatesUploadsAndDownloads) {
  const std::string certificate = AddCertificate(A(), 400);
  ClientResponse up = UploadTo(UserA("captain"), A(), "certificate", certificate, Pdf());
  ASSERT_EQ(up.status, 201);
  const std::string document = Text(up.Json().at("document_id"));
  const std::string fault = Fault(A());

  auto set_flag = [&](bool enabled) {
    auto r = client_->Put("/v1/flags/CERTIFICATES_LENS_V1_ENABLED",
                          ToJson(boost::json::object{{"yacht_id", A().id}, {"enabled", enabled}}),
                          {{"Authorization", "Bearer " + server_->TokenFor(UserA("manager"))}});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << Describe(*r);
  };
  set_flag(false);
  EXPECT_TRUE(IsError(UploadTo(UserA("captain"), A(), "certificate", certificate, Pdf()), 503,
                      "feature_disabled"));
  EXPECT_TRUE(IsError(Download(UserA("crew"), A().id, document), 503, "feature_disabled"));
  EXPECT_EQ(UploadTo(UserA("crew"), A(), "fault", fault, Pdf()).status, 201)
      << "a fault's documents follow the faults lens";
  set_flag(true);
  EXPECT_EQ(Download(UserA("crew"), A().id, document).status, 200);
}

// Without --documents-dir or CELESTE_DOCUMENTS_DIR, an SQLite server keeps its documents
// beside its database.
class DocumentsDefaultRootTest : public IntegrationTest {
 protected:
  void SetUp() override {
    ::unsetenv("CELESTE_DOCUMENTS_DIR");
    IntegrationTest::SetUp();
  }
};

TEST_F(DocumentsDefaultRootTest, SqliteOnlyServerKeepsDocumentsBesideItsDatabase) {
  if (server_->backend() != "sqlite") GTEST_SKIP() << "the default beside an SQLite file";
  ClientResponse fault = Execute(UserA("crew"), A().id, "report_fault",
                                 {{"title", "Cracked porthole"}, {"severity", "high"}});
  ASSERT_EQ(fault.status, 201) << Describe(fault);
  const std::string fault_id = Text(fault.Json().at("entity_id"));
  auto r = client_->Post(
      "/v1/documents?yacht_id=" + A().id + "&entity_type=fault&entity_id=" + fault_id, Jpeg(),
      {{"Authorization", "Bearer " + server_->TokenFor(UserA("crew"))},
       {"Content-Type", "image/jpeg"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 201) << Describe(*r);
  const std::string id = Text(r->Json().at("document_id"));
  const fs::path beside = fs::path(SqlitePath(server_->db_url())).parent_path() / "documents";
  EXPECT_TRUE(fs::exists(beside / "yachts" / A().id / "documents" / (id + ".jpg"))) << beside;
}

}  // namespace
}  // namespace celeste::testing
