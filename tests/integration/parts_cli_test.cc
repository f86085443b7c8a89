// `celeste parts import | export | verify-stock` (issue 4, docs/parts-cli.md) against the test
// server's database: imported parts and opening balances are visible over HTTP, an invalid
// file writes nothing (unless --skip-invalid), export then import round-trips between
// yachts, and verify-stock finds a balance tampered with behind the server's back.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/harness.h"

namespace celeste::testing {
namespace {

double Number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nan("");
}

boost::json::object JsonOf(const RunResult& r) {
  auto json = ParseJson(r.out);
  EXPECT_TRUE(json && json->is_object()) << "not a JSON object: " << r.out << r.err;
  return json && json->is_object() ? json->as_object() : boost::json::object{};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A spreadsheet's export: a UTF-8 BOM, CRLF line ends, columns in its own order, quoted
// fields holding commas and doubled quotes.
const std::string kGoodCsv =
    "\xEF\xBB\xBF"
    "part_number,name,on_hand,min_level,unit,manufacturer,location\r\n"
    "JAB-1210-0001,\"Impeller, raw water pump\",4,2,pcs,Jabsco,\"Engine room, locker 3\"\r\n"
    "RAC-2040,\"Fuel filter 2\"\" element\",2.5,1,pcs,Racor,Engine room\r\n"
    ",Spare shackle,0,,,,Bosun locker\r\n";

// Rows 3, 4 and 5 are invalid; rows 2 and 6 are fine.
const std::string kThreeBadRowsCsv =
    "name,part_number,min_level,on_hand\n"
    "Good one,P-1,1,1\n"
    "Bad level,P-2,x,1\n"
    ",P-3,0,0\n"
    "Negative,P-4,0,-1\n"
    "Good two,P-5,,\n";

class PartsCliTest : public IntegrationTest {
 protected:
  // Writes `text` to a file in the server's directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = server_->dir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return path;
  }
  std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  RunResult Import(const std::string& yacht_id, const std::string& path,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"parts", "import", "--yacht", yacht_id, path};
    args.insert(args.end(), extra.begin(), extra.end());
    return server_->Cli(args);
  }
  // list_parts on the yacht as its crew (asserts 200).
  boost::json::array ListParts(const DemoYacht& yacht) {
    ClientResponse r = Execute(yacht.users.at("crew"), yacht.id, "list_parts", {{"limit", 200}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    if (r.status != 200) return {};
    return r.Json().at("result").at("parts").as_array();
  }
  // The part called `name` on the yacht, from list_parts (empty when there is none).
  boost::json::object PartNamed(const DemoYacht& yacht, const std::string& name) {
    for (const auto& p : ListParts(yacht)) {
      if (p.at("name").as_string() == name) return p.as_object();
    }
    return {};
  }
  boost::json::object Detail(const std::string& part_id) {
    ClientResponse r = Execute(UserA("crew"), A().id, "view_part_detail", {{"part_id", part_id}});
    EXPECT_EQ(r.status, 200) << Describe(r);
    return r.status == 200 ? r.Json().at("result").as_object() : boost::json::object{};
  }
  RunResult VerifyStock(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"parts", "verify-stock"};
    args.insert(args.end(), extra.begin(), extra.end());
    return server_->Cli(args);
  }
};

TEST_F(PartsCliTest, ImportAddsPartsWithOpeningBalancesVisibleOverHttp) {
  RunResult r = Import(A().id, WriteFile("good.csv", kGoodCsv));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "imported 3 parts (2 opening balances), skipped 0 invalid rows"))
      << r.out;
  ASSERT_EQ(ListParts(A()).size(), 3u);
  EXPECT_TRUE(ListParts(B()).empty()) << "the import leaked onto yacht B";
  // The import is in the yacht's audit chain, once, and the chain still verifies.
  ClientResponse log = Get(UserA("captain"), "/v1/audit?yacht_id=" + A().id + "&limit=1000");
  ASSERT_EQ(log.status, 200) << Describe(log);
  const boost::json::value log_json = log.Json();
  int imports = 0;
  for (const auto& e : log_json.at("entries").as_array()) {
    if (e.at("action") != "parts_import") continue;
    ++imports;
    EXPECT_EQ(e.at("payload").at("imported"), boost::json::value(3)) << e;
    EXPECT_EQ(e.at("payload").at("opening_balances"), boost::json::value(2)) << e;
  }
  EXPECT_EQ(imports, 1);
  EXPECT_EQ(server_->Cli({"audit", "verify"}).exit_code, 0);

  const boost::json::object impeller = PartNamed(A(), "Impeller, raw water pump");
  ASSERT_FALSE(impeller.empty());
  EXPECT_EQ(impeller.at("part_number").as_string(), "JAB-1210-0001");
  EXPECT_EQ(impeller.at("manufacturer").as_string(), "Jabsco");
  EXPECT_EQ(impeller.at("location").as_string(), "Engine room, locker 3");
  EXPECT_EQ(Number(impeller.at("min_level")), 2);
  EXPECT_EQ(impeller.at("created_by").as_string(), UserA("manager").user_id)
      << "the default actor is the yacht's manager";

  const boost::json::object detail = Detail(std::string(impeller.at("id").as_string()));
  EXPECT_EQ(Number(detail.at("on_hand")), 4);
  const auto& txs = detail.at("transactions").as_array();
  ASSERT_EQ(txs.size(), 1u) << ToJson(detail);
  EXPECT_EQ(txs[0].at("type").as_string(), "receive");
  EXPECT_EQ(Number(txs[0].at("quantity")), 4);
  EXPECT_EQ(txs[0].at("reference").as_string(), "import good.csv");
  EXPECT_EQ(txs[0].at("actor_id").as_string(), UserA("manager").user_id);
  EXPECT_EQ(txs[0].at("actor_role").as_string(), "manager");

  const boost::json::object filter = PartNamed(A(), "Fuel filter 2\" element");
  ASSERT_FALSE(filter.empty()) << "doubled quotes were not read as one";
  EXPECT_EQ(Number(filter.at("on_hand")), 2.5);

  const boost::json::object shackle = PartNamed(A(), "Spare shackle");
  ASSERT_FALSE(shackle.empty());
  EXPECT_TRUE(shackle.at("part_number").is_null()) << "an empty cell is no part number";
  EXPECT_EQ(Number(shackle.at("on_hand")), 0);
  EXPECT_TRUE(
      Detail(std::string(shackle.at("id").as_string())).at("transactions").as_array().empty())
      << "on_hand 0 records no opening balance";
}

TEST_F(PartsCliTest, ImportAsAChosenActor) {
  const DemoUser& engineer = UserA("chief_engineer");
  RunResult r =
      Import(A().id, WriteFile("good.csv", kGoodCsv), {"--actor-email", engineer.email, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = JsonOf(r);
  EXPECT_EQ(json["success"], boost::json::value(true)) << r.out;
  EXPECT_EQ(json["imported"], boost::json::value(3)) << r.out;
  EXPECT_EQ(json["opening_balances"], boost::json::value(2)) << r.out;
  EXPECT_EQ(json["skipped"], boost::json::value(0)) << r.out;

  const boost::json::object impeller = PartNamed(A(), "Impeller, raw water pump");
  ASSERT_FALSE(impeller.empty());
  EXPECT_EQ(impeller.at("created_by").as_string(), engineer.user_id);
  const auto detail = Detail(std::string(impeller.at("id").as_string()));
  EXPECT_EQ(detail.at("transactions").at(0).at("actor_role").as_string(), "chief_engineer");
}

TEST_F(PartsCliTest, InvalidRowsAreAllReportedAndNothingIsWritten) {
  const std::string path = WriteFile("bad.csv", kThreeBadRowsCsv);
  RunResult r = Import(A().id, path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "row 3, column min_level: 'x' is not a number")) << r.err;
  EXPECT_TRUE(Contains(r.err, "row 4, column name:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "row 5, column on_hand:")) << r.err;
  EXPECT_FALSE(Contains(r.err, "row 2")) << r.err;
  EXPECT_FALSE(Contains(r.err, "row 6")) << r.err;
  EXPECT_TRUE(ListParts(A()).empty()) << "an invalid file wrote parts";

  RunResult json = Import(A().id, path, {"--json"});
  EXPECT_EQ(json.exit_code, 1) << json.out << json.err;
  auto body = JsonOf(json);
  EXPECT_EQ(body["success"], boost::json::value(false)) << json.out;
  EXPECT_EQ(body["imported"], boost::json::value(0)) << json.out;
  const auto& errors = body["errors"].as_array();
  ASSERT_EQ(errors.size(), 3u) << json.out;
  const std::pair<int, const char*> kExpected[] = {{3, "min_level"}, {4, "name"}, {5, "on_hand"}};
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].at("row"), boost::json::value(kExpected[i].first)) << json.out;
    EXPECT_EQ(errors[i].at("column"), boost::json::value(kExpected[i].second)) << json.out;
    EXPECT_FALSE(errors[i].at("message").as_string().empty()) << json.out;
  }
  EXPECT_TRUE(ListParts(A()).empty());
}

TEST_F(PartsCliTest, SkipInvalidImportsTheValidRowsOnly) {
  RunResult r = Import(A().id, WriteFile("bad.csv", kThreeBadRowsCsv), {"--skip-invalid"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "imported 2 parts (1 opening balances), skipped 3 invalid rows"))
      << r.out;
  EXPECT_TRUE(Contains(r.err, "row 3, column min_level")) << "skipped rows are still named";
  const auto parts = ListParts(A());
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_FALSE(PartNamed(A(), "Good one").empty());
  EXPECT_FALSE(PartNamed(A(), "Good two").empty());
}

TEST_F(PartsCliTest, RepeatedPartNumbersAreErrors) {
  ClientResponse added = Execute(UserA("chief_engineer"), A().id, "add_part",
                                 {{"name", "Already here"}, {"part_number", "CAT-1"}});
  ASSERT_EQ(added.status, 201) << Describe(added);
  const std::string csv =
      "name,part_number,min_level\n"
      "First,DUP-1,\n"
      "Second,DUP-1,\n"
      "Third,CAT-1,\n"
      "Broken,DUP-2,x\n"
      "Fifth,DUP-2,\n";
  const std::string path = WriteFile("dups.csv", csv);
  RunResult r = Import(A().id, path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "row 3, column part_number: 'DUP-1' is already on row 2")) << r.err;
  EXPECT_TRUE(Contains(r.err, "row 4, column part_number: 'CAT-1' is already in the yacht's"))
      << r.err;
  EXPECT_FALSE(Contains(r.err, "row 2,")) << r.err;
  EXPECT_EQ(ListParts(A()).size(), 1u) << "a refused import wrote parts";
  EXPECT_TRUE(Contains(r.err, "row 6, column part_number: 'DUP-2' is already on row 5"))
      << "an invalid row's number still counts: " << r.err;

  RunResult skipped = Import(A().id, path, {"--skip-invalid"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_TRUE(Contains(skipped.out, "imported 1 parts (0 opening balances), skipped 4 invalid"))
      << skipped.out;
  EXPECT_FALSE(PartNamed(A(), "First").empty());

  // The catalog's numbers are free on another yacht.
  RunResult b = Import(B().id, WriteFile("cat.csv", "name,part_number\nThird,CAT-1\n"));
  EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
}

TEST_F(PartsCliTest, BadUsageExitsTwoAndWritesNothing) {
  const std::string empty_yacht = [&] {
    RunResult r = server_->Cli({"yacht", "add", "--name", "M/Y Nobody", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto json = JsonOf(r);
    return json.contains("id") ? std::string(json.at("id").as_string()) : "";
  }();
  const std::string good = WriteFile("good.csv", kGoodCsv);
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* message;  // part of stderr
  };
  const Case kCases[] = {
      {"unknown column",
       {"--yacht", A().id, WriteFile("colour.csv", "name,colour\nShackle,red\n")},
       "unknown column 'colour'"},
      {"no name column",
       {"--yacht", A().id, WriteFile("noname.csv", "part_number\nX-1\n")},
       "no 'name' column"},
      {"repeated column",
       {"--yacht", A().id, WriteFile("twice.csv", "name,Name\na,b\n")},
       "appears twice"},
      {"empty file", {"--yacht", A().id, WriteFile("empty.csv", "")}, "empty"},
      {"unclosed quote", {"--yacht", A().id, WriteFile("quote.csv", "name\n\"Shackle\n")}, "row 2"},
      {"missing file", {"--yacht", A().id, server_->dir() + "/nope.csv"}, "cannot read"},
      {"yacht is not an id", {"--yacht", "not-a-uuid", good}, "yacht id"},
      {"no file", {"--yacht", A().id}, "file"},
      {"actor without a membership on the yacht",
       {"--yacht", A().id, good, "--actor-email", UserB("captain").email},
       "no membership"},
      {"yacht without a manager or captain", {"--yacht", empty_yacht, good}, "--actor-email"},
  };
  for (const Case& c : kCases) {
    std::vector<std::string> args = {"parts", "import"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = server_->Cli(args);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << c.name << ": " << r.err;
  }
  EXPECT_TRUE(ListParts(A()).empty());

  RunResult json = Import(A().id, WriteFile("colour.csv", "name,colour\n"), {"--json"});
  EXPECT_EQ(json.exit_code, 2) << json.out << json.err;
  EXPECT_EQ(JsonOf(json)["success"], boost::json::value(false)) << json.out;
}

TEST_F(PartsCliTest, ExportThenImportIntoAnotherYachtRoundTrips) {
  const std::string csv =
      "name,part_number,manufacturer,unit,min_level,location,on_hand\n"
      "Zinc anode,ZA-1,Tecnoseal,pcs,4,\"Lazarette, port\",6\n"
      "\"Gasket \"\"A\"\", 2 mm\",,,,0.5,,2.25\n"
      "Bilge pump,BP-7,Rule,,1,Engine room,0\n"
      "\"Hose\nclamp\",HC-1,,pcs,0,,10\n";
  RunResult imported = Import(A().id, WriteFile("a.csv", csv));
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;

  const std::string a_path = server_->dir() + "/a-export.csv";
  RunResult exported = server_->Cli({"parts", "export", "--yacht", A().id, "--out", a_path});
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  EXPECT_TRUE(Contains(exported.out, "exported 4 parts")) << exported.out;
  const std::string a_csv = ReadFile(a_path);
  // By name (byte order), numbers as short as they read back, quotes only where needed.
  EXPECT_EQ(a_csv,
            "name,part_number,manufacturer,unit,min_level,location,on_hand\n"
            "Bilge pump,BP-7,Rule,,1,Engine room,0\n"
            "\"Gasket \"\"A\"\", 2 mm\",,,,0.5,,2.25\n"
            "\"Hose\nclamp\",HC-1,,pcs,0,,10\n"
            "Zinc anode,ZA-1,Tecnoseal,pcs,4,\"Lazarette, port\",6\n");

  RunResult stdout_export = server_->Cli({"parts", "export", "--yacht", A().id});
  ASSERT_EQ(stdout_export.exit_code, 0) << stdout_export.err;
  EXPECT_EQ(stdout_export.out, a_csv);

  RunResult into_b = Import(B().id, a_path);
  ASSERT_EQ(into_b.exit_code, 0) << into_b.out << into_b.err;
  RunResult b_export = server_->Cli({"parts", "export", "--yacht", B().id});
  ASSERT_EQ(b_export.exit_code, 0) << b_export.err;
  EXPECT_EQ(b_export.out, a_csv);
  EXPECT_EQ(ListParts(B()).size(), 4u);
}

TEST_F(PartsCliTest, VerifyStockFindsATamperedBalance) {
  ASSERT_EQ(Import(A().id, WriteFile("good.csv", kGoodCsv)).exit_code, 0);
  RunResult fresh = VerifyStock({"--yacht", A().id});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  EXPECT_TRUE(Contains(fresh.out, "stock verified: 3 parts, 0 mismatches")) << fresh.out;

  const std::string part_id(PartNamed(A(), "Impeller, raw water pump").at("id").as_string());
  ClientResponse received =
      Execute(UserA("crew"), A().id, "receive_part",
              {{"part_id", part_id}, {"quantity", 3}, {"idempotency_key", "delivery-1"}});
  ASSERT_EQ(received.status, 201) << Describe(received);
  ClientResponse consumed =
      Execute(UserA("crew"), A().id, "consume_part", {{"part_id", part_id}, {"quantity", 5}});
  ASSERT_EQ(consumed.status, 201) << Describe(consumed);
  RunResult moved = VerifyStock({"--yacht", A().id, "--json"});
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  auto ok = JsonOf(moved);
  EXPECT_EQ(ok["success"], boost::json::value(true)) << moved.out;
  EXPECT_EQ(ok["yacht_id"], boost::json::value(A().id)) << moved.out;
  EXPECT_EQ(ok["parts"], boost::json::value(3)) << moved.out;
  EXPECT_TRUE(ok["mismatches"].as_array().empty()) << moved.out;
  EXPECT_EQ(VerifyStock().exit_code, 0) << "every yacht";

  RunResult tamper =
      RunSql(*server_,
             "UPDATE pms_part_stock SET on_hand = on_hand + 1 WHERE part_id = '" + part_id + "';");
  ASSERT_EQ(tamper.exit_code, 0) << tamper.err;

  RunResult broken = VerifyStock({"--yacht", A().id});
  EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
  EXPECT_TRUE(Contains(broken.out, part_id)) << broken.out;
  EXPECT_TRUE(Contains(broken.out, "balance 3, ledger 2")) << broken.out;
  EXPECT_TRUE(Contains(broken.out, "1 mismatches")) << broken.out;

  RunResult json = VerifyStock({"--yacht", A().id, "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.out << json.err;
  auto body = JsonOf(json);
  EXPECT_EQ(body["success"], boost::json::value(false)) << json.out;
  const auto& mismatches = body["mismatches"].as_array();
  ASSERT_EQ(mismatches.size(), 1u) << json.out;
  EXPECT_EQ(mismatches[0].at("part_id").as_string(), part_id);
  EXPECT_EQ(Number(mismatches[0].at("balance")), 3);
  EXPECT_EQ(Number(mismatches[0].at("ledger")), 2);

  RunResult fleet = VerifyStock({"--json"});
  EXPECT_EQ(fleet.exit_code, 1) << fleet.out << fleet.err;
  EXPECT_EQ(JsonOf(fleet)["success"], boost::json::value(false)) << fleet.out;
  EXPECT_EQ(VerifyStock({"--yacht", B().id}).exit_code, 0) << "yacht B's books are untouched";
  EXPECT_EQ(VerifyStock({"--yacht", "not-a-uuid"}).exit_code, 2);
}

}  // namespace
}  // namespace celeste::testing
