// The acceptance suite of `celeste accept`: one Suite per run, its cases in the order of
// acceptance.h, each request sent once through Send (or polled through PollUntil) so that it
// is counted, checked for a 5xx and recorded in the evidence folder.
#include "ops/acceptance.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/hash.h"
#include "core/json.h"
#include "core/uuid.h"
#include "ops/payload_generator.h"
#include "ops/server_ids.h"

namespace celeste::ops {
namespace {

namespace json = boost::json;

constexpr std::string_view kSeedTag = "celeste accept";
constexpr auto kPollInterval = std::chrono::milliseconds(200);

// Who acts when several roles may: crew first (an action the least privileged role may run is
// proved as that role), then the heads of department, the manager last.
constexpr Role kActorOrder[] = {Role::kCrew,    Role::kChiefEngineer, Role::kCaptain,
                                Role::kManager, Role::kChiefOfficer,  Role::kPurser};
// Who signs when a case needs a valid signature: the captain first, as in the steps.
constexpr Role kSignerOrder[] = {Role::kCaptain,      Role::kManager, Role::kChiefEngineer,
                                 Role::kChiefOfficer, Role::kPurser,  Role::kCrew};

std::string RoleText(Role role) { return std::string(RoleName(role)); }

std::string Join(const std::vector<std::string>& items) {
  return fmt::format("{}", fmt::join(items, ", "));
}

std::string RoleList(const RoleSet& roles) {
  std::vector<std::string> names;
  for (Role r : roles.ToVector()) names.push_back(RoleText(r));
  return Join(names);
}

// A PIN of the same shape that is surely not `pin`: each digit moved by five.
std::string WrongPin(const std::string& pin) {
  const bool digits =
      pin.size() >= 4 && pin.size() <= 8 &&
      std::all_of(pin.begin(), pin.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits) return "0000";  // the PIN itself is malformed: any well-formed one is wrong
  std::string wrong = pin;
  for (char& c : wrong) c = static_cast<char>('0' + (c - '0' + 5) % 10);
  return wrong;
}

// What a case expects of one answer: one of these statuses with this error_code ("" for a
// success answer, which has none).
struct Expectation {
  std::vector<int> statuses;
  std::string error_code;

  std::string Text() const {
    std::string text = fmt::format("{}", fmt::join(statuses, "/"));
    return error_code.empty() ? text : text + " " + error_code;
  }
};

Expectation ErrorAnswer(int status, std::string code) { return {{status}, std::move(code)}; }
Expectation Success() { return {{200, 201}, ""}; }
Expectation Ok() { return {{200}, ""}; }

// What came back for one request.
struct Answer {
  int status = 0;          // 0: no response (transport_error says why)
  std::string error_code;  // of an error envelope, else ""
  std::string message;     // of an error envelope, else ""
  json::value body;        // the body parsed; null when it is not JSON
  std::string transport_error;

  bool Matches(const Expectation& e) const {
    return status != 0 &&
           std::find(e.statuses.begin(), e.statuses.end(), status) != e.statuses.end() &&
           error_code == e.error_code;
  }
  // A 5xx that is a bug: anything but the 503 feature_disabled of a flag that is off.
  bool IsServerError() const {
    return status >= 500 && !(status == 503 && error_code == "feature_disabled");
  }
  // "403 forbidden_role", "201", "no response (...)".
  std::string Text() const {
    if (status == 0) return "no response (" + transport_error + ")";
    return error_code.empty() ? std::to_string(status) : fmt::format("{} {}", status, error_code);
  }
  // Text() with the envelope's message, for a reader wondering why.
  std::string Detail() const { return message.empty() ? Text() : Text() + ": " + message; }
  // A string member of the body object.
  std::optional<std::string> String(std::string_view key) const {
    return body.is_object() ? GetString(body.as_object(), key) : std::nullopt;
  }
  // A member of the body object, or null when there is none.
  const json::value* Member(std::string_view key) const {
    return body.is_object() ? body.as_object().if_contains(key) : nullptr;
  }
};

Answer ToAnswer(const ClientResponse& response) {
  Answer a;
  a.status = response.status;
  a.body = response.Json();
  if (a.body.is_object()) {
    a.error_code = GetString(a.body.as_object(), "error_code").value_or("");
    a.message = GetString(a.body.as_object(), "message").value_or("");
  }
  return a;
}

// A logged-in account.
struct Session {
  Role role = Role::kCrew;
  std::string token;
  std::string user_id;
  std::string pin;
};

// The foreign account's session and the other yacht it is a member of.
struct Elsewhere {
  Session session;
  std::string yacht_id;
};

// One request to make.
struct Call {
  Method method = Method::kGet;
  std::string target;
  std::optional<json::value> body;
  const Session* as = nullptr;  // none: no Authorization (login)
};

CaseResult NewCase(std::string name, std::string expected) {
  CaseResult c;
  c.name = std::move(name);
  c.expected = std::move(expected);
  return c;
}

struct Attempt {
  HttpExchange exchange;
  Answer answer;
};

// The five steps of the signed flow (issue 7): who signs, and with which PIN.
struct SignedStep {
  std::string name;
  std::optional<Role> signer;  // none: no signature at all
  bool wrong_pin = false;
};

// What an action answers to an empty payload once its flags are on, by the check order of
// CONTRACT §2: a missing required field (step 7), else a missing signature (8), else it runs.
Expectation PastTheFlagCheck(const ActionDef& action) {
  const bool needs_fields = std::any_of(action.fields.begin(), action.fields.end(),
                                        [](const FieldDef& f) { return f.required; });
  if (needs_fields) return ErrorAnswer(400, "missing_field");
  if (action.variant == Variant::kSigned) return ErrorAnswer(400, "signature_required");
  return Success();
}

// The lens's actions among an answer's suggestions and candidates.
int LensSuggestions(const Answer& a, const std::string& lens) {
  int found = 0;
  for (std::string_view list : {"suggestions", "candidates"}) {
    const json::value* items = a.Member(list);
    if (!items || !items->is_array()) continue;
    for (const auto& item : items->as_array()) {
      if (item.is_object() && GetString(item.as_object(), "domain") == lens) ++found;
    }
  }
  return found;
}

// How the suite sees a flag off and on: a request and what its answer must be each way.
struct FlagProbe {
  Call call;
  std::string off_expected;
  std::string on_expected;
  std::function<bool(const Answer&)> off_ok;
  std::function<bool(const Answer&)> on_ok;
  std::function<std::string(const Answer&)> describe;
};

struct FlagSetting {
  bool enabled = false;
  int64_t canary_percentage = 100;
  std::optional<bool> env_override;
};

// One step's outcome in a case made of several.
struct StepOutcome {
  bool ok = false;
  std::string text;
};

class Suite {
 public:
  Suite(const Registry& registry, const LensOpsProfile& profile, const AcceptanceOptions& options,
        Evidence& evidence, const Clock& clock, const AcceptanceRunner::CaseListener& on_case)
      : registry_(registry),
        profile_(profile),
        options_(options),
        evidence_(evidence),
        clock_(clock),
        on_case_(on_case),
        client_(options.host, options.port, options.timeout),
        run_id_(RandomHex(4)),
        seed_base_(static_cast<uint64_t>(clock.Now() / 1000)) {}

  AcceptanceReport Run() {
    report_.lens = profile_.lens_id;
    report_.yacht_id = options_.yacht_id;
    report_.url = SafeUrlPrefix(options_.url);
    report_.started_at = FormatRfc3339(clock_.Now());
    RunLogins();
    RunGatingLists();
    RunForbidden();
    RunReads();
    RunCreate();
    RunSigned();
    RunIsolation();
    RunIdempotency();
    RunFlags();
    RunNo5xx();
    RunEvidenceCheck();
    report_.finished_at = FormatRfc3339(clock_.Now());
    report_.responses = responses_;
    report_.responses_5xx = server_errors_;
    return std::move(report_);
  }

 private:
  // --- requests -------------------------------------------------------------------------

  // Sends one request; counts its answer (and a 5xx) and learns any token it carries, but
  // does not record it.
  Attempt Perform(const Call& call) {
    Attempt attempt;
    HttpExchange& ex = attempt.exchange;
    ex.method = call.method;
    ex.target = call.target;
    // The server echoes it: a transcript and the server's log line find each other.
    ex.request_headers.emplace_back("x-request-id",
                                    fmt::format("accept-{}-{:04}", run_id_, ++requests_));
    if (call.as) ex.request_headers.emplace_back("authorization", "Bearer " + call.as->token);
    if (call.body) {
      ex.request_body = ToJson(*call.body);
      ex.request_headers.emplace_back("content-type", "application/json");
    }
    auto sent = client_.Send(call.method, call.target, ex.request_body, ex.request_headers);
    if (!sent.ok()) {
      ex.transport_error = sent.status().message();
      attempt.answer.transport_error = ex.transport_error;
      return attempt;
    }
    attempt.answer = ToAnswer(*sent);
    // Before anything is written: the transcript of this very answer must not hold it.
    if (auto token = attempt.answer.String("access_token")) evidence_.AddSecret(*token);
    ++responses_;
    if (attempt.answer.IsServerError()) ++server_errors_;
    ex.response = std::move(*sent);
    return attempt;
  }

  // Writes the attempt's transcript as one of the case's.
  void Record(CaseResult& c, const Attempt& attempt) {
    auto file = evidence_.Record(c.name, attempt.exchange);
    if (!file.ok()) {
      evidence_errors_.push_back(file.status().message());
      return;
    }
    c.transcripts.push_back(*file);
    if (attempt.answer.IsServerError()) {
      server_error_files_.push_back(*file);
      server_error_texts_.push_back(fmt::format("{} ({})", *file, attempt.answer.Text()));
    }
  }

  Answer Send(CaseResult& c, const Call& call) {
    Attempt attempt = Perform(call);
    Record(c, attempt);
    return std::move(attempt.answer);
  }

  // Repeats `call` until its answer satisfies `done`, for up to options_.flag_settle; only
  // the last attempt is recorded. A PUT /v1/flags refreshes the answering server's own flag
  // snapshot at once (ApplyFlagChange → FlagService::Invalidate), but a refresh that began
  // before the change committed can bring the old state back for up to a second
  // (flags/flag_service.h), and servers behind one URL each keep their own snapshot. A 5xx
  // or a transport error ends the wait at once, so that it is recorded.
  Answer PollUntil(CaseResult& c, const Call& call,
                   const std::function<bool(const Answer&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + options_.flag_settle;
    for (;;) {
      Attempt attempt = Perform(call);
      Record(c, attempt);  // every attempt is a request, so every one has its transcript
      const Answer& a = attempt.answer;
      if (done(a) || a.status == 0 || a.IsServerError() ||
          std::chrono::steady_clock::now() >= deadline) {
        return std::move(attempt.answer);
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  // An execute on the yacht under test, or on `elsewhere` (the foreign yacht) when given.
  Call ExecuteCall(const Session& as, const std::string& action, json::object payload,
                   std::optional<json::object> signature = std::nullopt,
                   const Elsewhere* elsewhere = nullptr) const {
    const std::string& yacht = elsewhere ? elsewhere->yacht_id : options_.yacht_id;
    return Call{
        Method::kPost, "/v1/actions/execute",
        json::value(ExecuteEnvelope(action, yacht, std::move(payload), std::move(signature))), &as};
  }

  Answer Execute(CaseResult& c, const Session& as, const std::string& action, json::object payload,
                 std::optional<json::object> signature = std::nullopt,
                 const Elsewhere* elsewhere = nullptr) {
    return Send(c, ExecuteCall(as, action, std::move(payload), std::move(signature), elsewhere));
  }

  // Who acts for `action`: the foreign account on its yacht, else the first role allowed here.
  const Session* Actor(const ActionDef& action, const Elsewhere* elsewhere) const {
    if (!elsewhere) return FirstAllowed(action);
    return action.allowed_roles.Contains(elsewhere->session.role) ? &elsewhere->session : nullptr;
  }

  // A CONTRACT §5 signature by `signer`, signed now.
  json::object Signature(const Session& signer, const std::string& pin) const {
    return {{"signer_id", signer.user_id},
            {"method", "pin"},
            {"pin", pin},
            {"signed_at", FormatRfc3339(clock_.Now())}};
  }

  // --- cases ----------------------------------------------------------------------------

  void Finish(CaseResult c) {
    if (on_case_) on_case_(c);
    report_.cases.push_back(std::move(c));
  }
  void Fail(CaseResult c, std::string why) {
    c.pass = false;
    c.got = std::move(why);
    Finish(std::move(c));
  }
  void Judge(CaseResult c, const Answer& a, const Expectation& expected) {
    c.pass = a.Matches(expected);
    c.got = c.pass ? a.Text() : a.Detail();
    Finish(std::move(c));
  }

  // --- accounts and roles ---------------------------------------------------------------

  const Session* SessionFor(Role role) const {
    auto it = sessions_.find(role);
    return it == sessions_.end() ? nullptr : &it->second;
  }

  // Why there is no session of `role`, for the cases that needed one.
  std::string Missing(Role role) const {
    if (auto it = login_problems_.find(role); it != login_problems_.end()) {
      return fmt::format("skipped: {} did not log in ({})", RoleText(role), it->second);
    }
    return fmt::format("skipped: the accounts file names no {} account", RoleText(role));
  }

  // The session that runs `action` when several may: kActorOrder.
  const Session* FirstAllowed(const ActionDef& action) const {
    for (Role r : kActorOrder) {
      if (action.allowed_roles.Contains(r) && SessionFor(r)) return SessionFor(r);
    }
    return nullptr;
  }
  std::string NoneAllowed(const ActionDef& action) const {
    return fmt::format("skipped: no account that logged in may run {} (allowed: {})", action.id,
                       RoleList(action.allowed_roles));
  }

  // The session that gives a valid signature for `action`: kSignerOrder, with a PIN.
  const Session* FirstSigner(const ActionDef& action) const {
    for (Role r : kSignerOrder) {
      const Session* s = SessionFor(r);
      if (action.signer_roles.Contains(r) && s && !s->pin.empty()) return s;
    }
    return nullptr;
  }

  // The accounts of known roles, in kAllRoles order.
  std::vector<Role> AccountRoles() const {
    std::vector<Role> roles;
    for (Role r : kAllRoles) {
      if (options_.accounts.count(RoleText(r))) roles.push_back(r);
    }
    return roles;
  }

  std::vector<const ActionDef*> LensActions() const {
    return ops::LensActions(registry_, profile_.lens_id);
  }

  // --- payloads and entities ------------------------------------------------------------

  // A valid payload for `action` (ops/payload_generator.h), texts unique to this run.
  Result<json::object> Generate(CaseResult& c, const ActionDef& action,
                                const json::object& overrides,
                                const Elsewhere* elsewhere = nullptr) {
    const PayloadSeed seed{
        .tag = std::string(kSeedTag), .sequence = seed_base_ + ++generated_, .now = clock_.Now()};
    return GeneratePayload(
        action, seed,
        [this, &c, elsewhere](std::string_view read_action) {
          return FirstIdListedBy(c, read_action, elsewhere);
        },
        overrides);
  }

  // The first id `read_action` lists (a field example's "@ACTION"), or a new entity of its
  // lens when it lists none (ops/server_ids.h); each action run as a role that may.
  Result<std::string> FirstIdListedBy(CaseResult& c, std::string_view read_action,
                                      const Elsewhere* elsewhere) {
    ExecuteFn execute = [this, &c, elsewhere](const std::string& action,
                                              json::object payload) -> Result<ExecuteAnswer> {
      const ActionDef* def = registry_.FindAction(action);
      if (!def) return Status::Internal(fmt::format("no action {} (named by an example)", action));
      const Session* as = Actor(*def, elsewhere);
      if (!as) return Status::Internal(NoneAllowed(*def));
      const Answer a = Execute(c, *as, def->id, std::move(payload), std::nullopt, elsewhere);
      if (a.status == 0) return Status::Internal(a.Detail());
      return ExecuteAnswer{a.status, a.body};
    };
    return ListedOrNewIdResolver(registry_, std::move(execute), std::string(kSeedTag),
                                 clock_.Now())(read_action);
  }

  // A new entity made by the lens's create action; its id.
  Result<std::string> CreateEntity(CaseResult& c, const Elsewhere* elsewhere = nullptr) {
    const ActionDef* action =
        profile_.create_action.empty() ? nullptr : registry_.FindAction(profile_.create_action);
    if (!action) {
      return Status::Internal(fmt::format("the {} lens has no create action", profile_.lens_id));
    }
    const Session* as = Actor(*action, elsewhere);
    if (!as) return Status::Internal(NoneAllowed(*action));
    CELESTE_ASSIGN_OR_RETURN(json::object payload, Generate(c, *action, {}, elsewhere));
    const Answer a = Execute(c, *as, action->id, std::move(payload), std::nullopt, elsewhere);
    if (a.status != 201) {
      return Status::Internal(fmt::format("{} answered {} (expected 201)", action->id, a.Detail()));
    }
    auto id = a.String("entity_id");
    if (!id || id->empty()) {
      return Status::Internal(action->id + " answered 201 without an entity_id");
    }
    return *id;
  }

  // One entity for the steps that must fail before its lookup (made once).
  Result<std::string> SharedEntity(CaseResult& c) {
    if (!shared_entity_) {
      CELESTE_ASSIGN_OR_RETURN(std::string id, CreateEntity(c));
      shared_entity_ = std::move(id);
    }
    return *shared_entity_;
  }

  Result<int64_t> CountAuditRows(CaseResult& c, const Session& as, const std::string& entity) {
    const Answer a =
        Send(c, {Method::kGet,
                 fmt::format("/v1/audit?yacht_id={}&entity_id={}", options_.yacht_id, entity),
                 std::nullopt, &as});
    if (a.status != 200) {
      return Status::Internal("GET /v1/audit answered " + a.Detail());
    }
    const json::value* entries = a.Member("entries");
    if (!entries || !entries->is_array()) {
      return Status::Internal("GET /v1/audit answered without an entries list");
    }
    return static_cast<int64_t>(entries->as_array().size());
  }

  // --- login ----------------------------------------------------------------------------

  void RunLogins() {
    for (const auto& [name, account] : options_.accounts) {
      if (!ParseRole(name)) {
        Fail(NewCase("login:" + name, "an account of a known role"),
             fmt::format("'{}' is not a role", name));
      }
    }
    for (Role role : AccountRoles()) Login(role, options_.accounts.at(RoleText(role)));
    if (options_.foreign) LoginForeign(*options_.foreign);
  }

  // The foreign account: its login, its role and the first yacht it is on that is not ours.
  void LoginForeign(const AcceptanceAccount& account) {
    CaseResult c = NewCase("login:foreign", "200, and a membership on another yacht");
    const json::object body{{"email", account.email}, {"password", account.password}};
    const Answer a = Send(c, {Method::kPost, "/v1/auth/login", json::value(body), nullptr});
    if (a.status != 200) return Fail(std::move(c), a.Detail());
    auto token = a.String("access_token");
    const json::value* user = a.Member("user");
    const json::value* memberships = a.Member("memberships");
    auto user_id = user && user->is_object() ? GetString(user->as_object(), "id") : std::nullopt;
    if (!token || !user_id || !memberships || !memberships->is_array()) {
      return Fail(std::move(c), "200, but without access_token, user.id or memberships");
    }
    for (const auto& m : memberships->as_array()) {
      if (!m.is_object()) continue;
      auto yacht = GetString(m.as_object(), "yacht_id");
      auto role = ParseRole(GetString(m.as_object(), "role").value_or(""));
      if (!yacht || !role || NormalizeUuid(*yacht) == NormalizeUuid(options_.yacht_id)) continue;
      elsewhere_ = Elsewhere{{*role, *token, *user_id, account.pin}, *yacht};
      c.pass = true;
      c.got = fmt::format("200, {} on yacht {}", RoleText(*role), *yacht);
      return Finish(std::move(c));
    }
    Fail(std::move(c), "200, but the account is a member of no other yacht");
  }

  void Login(Role role, const AcceptanceAccount& account) {
    CaseResult c = NewCase("login:" + RoleText(role),
                           fmt::format("200, and the {} role on the yacht", RoleText(role)));
    const json::object body{{"email", account.email}, {"password", account.password}};
    const Answer a = Send(c, {Method::kPost, "/v1/auth/login", json::value(body), nullptr});
    if (a.status != 200) {
      login_problems_[role] = "its login answered " + a.Text();
      return Fail(std::move(c), a.Detail());
    }
    Result<Session> session = SessionFrom(a, role, account.pin);
    if (!session.ok()) {
      login_problems_[role] = session.status().message();
      return Fail(std::move(c), "200, but " + session.status().message());
    }
    sessions_.emplace(role, std::move(*session));
    c.pass = true;
    c.got = "200, role " + RoleText(role);
    Finish(std::move(c));
  }

  // The session a login answer opens, when it holds the expected role on the yacht.
  Result<Session> SessionFrom(const Answer& a, Role role, const std::string& pin) const {
    auto token = a.String("access_token");
    const json::value* user = a.Member("user");
    const json::value* memberships = a.Member("memberships");
    std::optional<std::string> user_id;
    if (user && user->is_object()) user_id = GetString(user->as_object(), "id");
    if (!token || !user_id || !memberships || !memberships->is_array()) {
      return Status::Internal("the answer lacks access_token, user.id or memberships");
    }
    std::optional<std::string> role_here;
    for (const auto& m : memberships->as_array()) {
      if (!m.is_object()) continue;
      auto yacht = GetString(m.as_object(), "yacht_id");
      if (yacht && NormalizeUuid(*yacht) == NormalizeUuid(options_.yacht_id)) {
        role_here = GetString(m.as_object(), "role");
      }
    }
    if (!role_here) return Status::Internal("the account has no membership on the yacht");
    if (*role_here != RoleText(role)) {
      return Status::Internal(
          fmt::format("the account's role on the yacht is {}, not {}", *role_here, RoleText(role)));
    }
    return Session{.role = role, .token = *token, .user_id = *user_id, .pin = pin};
  }

  // --- gating ---------------------------------------------------------------------------

  void RunGatingLists() {
    for (Role role : AccountRoles()) GatingList(role);
  }

  void GatingList(Role role) {
    std::vector<std::string> expected;
    for (const ActionDef* a : LensActions()) {
      if (a->allowed_roles.Contains(role)) expected.push_back(a->id);
    }
    std::sort(expected.begin(), expected.end());
    CaseResult c = NewCase("gating:list:" + RoleText(role),
                           fmt::format("200 listing the {} action(s) {} may initiate: {}",
                                       expected.size(), RoleText(role), Join(expected)));
    const Session* s = SessionFor(role);
    if (!s) return Fail(std::move(c), Missing(role));
    const Answer a = Send(c, {Method::kGet,
                              fmt::format("/v1/actions/list?yacht_id={}&domain={}",
                                          options_.yacht_id, profile_.domain),
                              std::nullopt, s});
    if (a.status != 200) return Fail(std::move(c), a.Detail());
    std::vector<std::string> listed;
    if (const json::value* actions = a.Member("actions"); actions && actions->is_array()) {
      for (const auto& item : actions->as_array()) {
        if (!item.is_object()) continue;
        if (auto id = GetString(item.as_object(), "action_id")) listed.push_back(*id);
      }
    }
    std::sort(listed.begin(), listed.end());
    if (listed == expected) {
      c.pass = true;
      c.got = fmt::format("200 listing the same {} action(s)", listed.size());
      return Finish(std::move(c));
    }
    if (listed.empty()) {
      const LensDef* lens = registry_.FindLens(profile_.lens_id);
      return Fail(std::move(c),
                  fmt::format("200 listing no action: the lens is off for this yacht (its "
                              "flags: {})",
                              lens ? Join(lens->flags) : ""));
    }
    std::vector<std::string> missing, unexpected;
    std::set_difference(expected.begin(), expected.end(), listed.begin(), listed.end(),
                        std::back_inserter(missing));
    std::set_difference(listed.begin(), listed.end(), expected.begin(), expected.end(),
                        std::back_inserter(unexpected));
    Fail(std::move(c), fmt::format("200 listing {} action(s); missing: {}; not expected: {}",
                                   listed.size(), missing.empty() ? "none" : Join(missing),
                                   unexpected.empty() ? "none" : Join(unexpected)));
  }

  // Crew's attempt at each action it may not initiate: asserted 403, so a PASS.
  void RunForbidden() {
    std::vector<const ActionDef*> forbidden;
    for (const ActionDef* a : LensActions()) {
      if (!a->allowed_roles.Contains(Role::kCrew)) forbidden.push_back(a);
    }
    if (forbidden.empty()) return;
    const Session* crew = SessionFor(Role::kCrew);
    if (!crew) {
      return Fail(NewCase("gating:forbidden",
                          "403 forbidden_role for crew's attempts at the lens's "
                          "head-of-department actions"),
                  Missing(Role::kCrew) + ": role gating needs a crew account");
    }
    for (const ActionDef* a : forbidden) {
      CaseResult c = NewCase("gating:forbidden:" + a->id, "403 forbidden_role");
      const Answer answer = Execute(c, *crew, a->id, {});
      Judge(std::move(c), answer, ErrorAnswer(403, "forbidden_role"));
    }
  }

  // --- reads and create -----------------------------------------------------------------

  void RunReads() {
    const ActionDef* probe = registry_.FindAction(profile_.probe_action);
    if (!probe) return;
    for (Role role : AccountRoles()) {
      if (!probe->allowed_roles.Contains(role)) continue;
      CaseResult c = NewCase("read:" + RoleText(role), "200 from " + probe->id);
      const Session* s = SessionFor(role);
      if (!s) {
        Fail(std::move(c), Missing(role));
        continue;
      }
      auto payload = Generate(c, *probe, {});
      if (!payload.ok()) {
        Fail(std::move(c), payload.status().message());
        continue;
      }
      const Answer a = Execute(c, *s, probe->id, std::move(*payload));
      Judge(std::move(c), a, Ok());
    }
  }

  void RunCreate() {
    if (profile_.create_action.empty()) return;
    CaseResult c = NewCase("create", fmt::format("201 from {} with the new {}'s entity_id",
                                                 profile_.create_action, profile_.entity_type));
    auto id = CreateEntity(c);
    if (!id.ok()) return Fail(std::move(c), id.status().message());
    c.pass = true;
    c.got = "201, entity_id " + *id;
    Finish(std::move(c));
  }

  // --- signed flow ----------------------------------------------------------------------

  void RunSigned() {
    if (profile_.signed_action.empty()) return;
    const ActionDef* action = registry_.FindAction(profile_.signed_action);
    if (!action) return;
    const SignedStep steps[] = {
        {"signed:no_signature", std::nullopt, false},
        {"signed:invalid_signature", Role::kCaptain, true},
        {"signed:crew_signer", Role::kCrew, false},
        {"signed:captain_signer", Role::kCaptain, false},
        {"signed:manager_signer", Role::kManager, false},
    };
    for (const SignedStep& step : steps) RunSignedStep(*action, step);
  }

  // The step's expected answer, from the action's signer roles and CONTRACT §2's order:
  // signature_required, then the signer's role (invalid_signer_role), then the PIN.
  static Expectation SignedExpectation(const ActionDef& action, const SignedStep& step) {
    if (!step.signer) return ErrorAnswer(400, "signature_required");
    if (!action.signer_roles.Contains(*step.signer)) return ErrorAnswer(403, "invalid_signer_role");
    return step.wrong_pin ? ErrorAnswer(400, "invalid_signature") : Success();
  }

  static std::string SignedStory(const ActionDef& action, const SignedStep& step) {
    if (!step.signer) return "no signature";
    const std::string who = RoleText(*step.signer);
    const std::string may = action.signer_roles.Contains(*step.signer)
                                ? ""
                                : fmt::format(", who may not sign {}", action.id);
    return step.wrong_pin ? fmt::format("{} signs with a wrong PIN{}", who, may)
                          : fmt::format("{} signs{}", who, may);
  }

  // The initiator is crew when crew may initiate the action (crew asks, a head of department
  // signs on its device), else the first allowed role (kActorOrder). A step that must succeed
  // gets a fresh entity (a fault takes only one work order); the others share one.
  void RunSignedStep(const ActionDef& action, const SignedStep& step) {
    const Expectation expected = SignedExpectation(action, step);
    CaseResult c =
        NewCase(step.name, fmt::format("{} ({})", expected.Text(), SignedStory(action, step)));
    const Session* initiator = FirstAllowed(action);
    if (!initiator) return Fail(std::move(c), NoneAllowed(action));
    const Session* signer = step.signer ? SessionFor(*step.signer) : nullptr;
    if (step.signer && !signer) return Fail(std::move(c), Missing(*step.signer));
    if (signer && signer->pin.empty()) {
      return Fail(std::move(c), fmt::format("skipped: the accounts file gives {} no PIN",
                                            RoleText(signer->role)));
    }
    json::object overrides;
    if (!profile_.entity_id_key.empty()) {
      auto entity = expected.error_code.empty() ? CreateEntity(c) : SharedEntity(c);
      if (!entity.ok()) {
        return Fail(std::move(c), fmt::format("no {} to act on: {}", profile_.entity_type,
                                              entity.status().message()));
      }
      overrides[profile_.entity_id_key] = *entity;
    }
    auto payload = Generate(c, action, overrides);
    if (!payload.ok()) return Fail(std::move(c), payload.status().message());
    std::optional<json::object> signature;
    if (signer)
      signature = Signature(*signer, step.wrong_pin ? WrongPin(signer->pin) : signer->pin);
    const Answer a = Execute(c, *initiator, action.id, std::move(*payload), std::move(signature));
    Judge(std::move(c), a, expected);
  }

  // --- isolation ------------------------------------------------------------------------

  void RunIsolation() {
    if (options_.foreign) IsolationForeign();
    IsolationRead();
    if (!profile_.signed_action.empty()) IsolationSigned();
  }

  // A real entity of another yacht, asked for on this one: the tenant boundary itself.
  void IsolationForeign() {
    CaseResult c = NewCase(
        "isolation:foreign",
        fmt::format("404 not_found ({} here of a {} made on another yacht)", profile_.read_action,
                    profile_.entity_type.empty() ? "record" : profile_.entity_type));
    if (!elsewhere_) return Fail(std::move(c), "the foreign account did not log in");
    const ActionDef* read = registry_.FindAction(profile_.read_action);
    const std::string& key = profile_.entity_id_key;
    if (!read || key.empty() || !read->FindField(key)) {
      return Fail(std::move(c), fmt::format("no READ action of the {} lens takes an entity id",
                                            profile_.lens_id));
    }
    auto foreign_id = CreateEntity(c, &*elsewhere_);
    if (!foreign_id.ok()) {
      return Fail(std::move(c), "on the other yacht, " + foreign_id.status().message());
    }
    const Session* as = FirstAllowed(*read);
    if (!as) return Fail(std::move(c), NoneAllowed(*read));
    auto payload = Generate(c, *read, {{key, *foreign_id}});
    if (!payload.ok()) return Fail(std::move(c), payload.status().message());
    const Answer a = Execute(c, *as, read->id, std::move(*payload));
    Judge(std::move(c), a, ErrorAnswer(404, "not_found"));
  }

  void IsolationRead() {
    CaseResult c = NewCase("isolation:read", fmt::format("404 not_found ({} of an id no yacht has)",
                                                         profile_.read_action));
    const ActionDef* read = registry_.FindAction(profile_.read_action);
    const std::string& key = profile_.entity_id_key;
    if (!read || key.empty() || !read->FindField(key)) {
      return Fail(std::move(c), fmt::format("no READ action of the {} lens takes an entity id: "
                                            "isolation cannot be shown",
                                            profile_.lens_id));
    }
    const Session* as = FirstAllowed(*read);
    if (!as) return Fail(std::move(c), NoneAllowed(*read));
    auto payload = Generate(c, *read, {{key, NewRandomUuidV4()}});
    if (!payload.ok()) return Fail(std::move(c), payload.status().message());
    const Answer a = Execute(c, *as, read->id, std::move(*payload));
    Judge(std::move(c), a, ErrorAnswer(404, "not_found"));
  }

  // With a valid signature, so that the answer comes from the entity lookup (CONTRACT §2:
  // step 9, after the signature checks of step 8).
  void IsolationSigned() {
    const ActionDef* action = registry_.FindAction(profile_.signed_action);
    if (!action) return;
    CaseResult c = NewCase(
        "isolation:signed",
        fmt::format("404 not_found ({} of an id no yacht has, validly signed)", action->id));
    const std::string& key = profile_.entity_id_key;
    if (key.empty() || !action->FindField(key)) {
      return Fail(std::move(c), action->id + " takes no entity id: isolation cannot be shown");
    }
    const Session* initiator = FirstAllowed(*action);
    if (!initiator) return Fail(std::move(c), NoneAllowed(*action));
    const Session* signer = FirstSigner(*action);
    if (!signer) {
      return Fail(std::move(c),
                  fmt::format("skipped: no account that logged in, with a PIN, may sign {} "
                              "(signers: {})",
                              action->id, RoleList(action->signer_roles)));
    }
    auto payload = Generate(c, *action, {{key, NewRandomUuidV4()}});
    if (!payload.ok()) return Fail(std::move(c), payload.status().message());
    const Answer a =
        Execute(c, *initiator, action->id, std::move(*payload), Signature(*signer, signer->pin));
    Judge(std::move(c), a, ErrorAnswer(404, "not_found"));
  }

  // --- idempotency ----------------------------------------------------------------------

  // The same payload and idempotency_key twice. The stock ledger (lenses/parts/stock_ledger.h)
  // answers a reused key with 409 duplicate (details.existing_id) and writes nothing, as
  // CONTRACT §2 says for every idempotency key; so: 2xx, then 409, and one audit row more.
  void RunIdempotency() {
    if (profile_.idempotent_action.empty()) return;
    const ActionDef* action = registry_.FindAction(profile_.idempotent_action);
    if (!action) return;
    CaseResult c =
        NewCase("idempotency", fmt::format("{} twice with one idempotency_key: 200/201, then 409 "
                                           "duplicate; exactly one more audit row",
                                           action->id));
    const std::string key = FirstRequiredIdField(*action);
    if (key.empty()) {
      return Fail(std::move(c), action->id + " names no entity whose audit rows could be counted");
    }
    const Session* as = FirstAllowed(*action);
    if (!as) return Fail(std::move(c), NoneAllowed(*action));
    const Session* reader = SessionFor(Role::kManager) ? SessionFor(Role::kManager) : as;
    auto entity = CreateEntity(c);
    if (!entity.ok()) return Fail(std::move(c), entity.status().message());
    auto before = CountAuditRows(c, *reader, *entity);
    if (!before.ok()) return Fail(std::move(c), before.status().message());
    auto payload = Generate(c, *action,
                            {{key, *entity}, {"idempotency_key", "celeste-accept-" + NewUuidV7()}});
    if (!payload.ok()) return Fail(std::move(c), payload.status().message());
    const Answer first = Execute(c, *as, action->id, *payload);
    const Answer again = Execute(c, *as, action->id, *payload);
    auto after = CountAuditRows(c, *reader, *entity);
    if (!after.ok()) return Fail(std::move(c), after.status().message());
    report_.counts.push_back(
        {.case_name = c.name,
         .what = fmt::format("audit rows of {} {}", profile_.entity_type, *entity),
         .before = *before,
         .after = *after});
    c.pass = first.Matches(Success()) && again.Matches(ErrorAnswer(409, "duplicate")) &&
             *after == *before + 1;
    c.got = fmt::format("first {}; again {}; audit rows {} then {}", first.Detail(), again.Detail(),
                        *before, *after);
    Finish(std::move(c));
  }

  // --- flags ----------------------------------------------------------------------------

  void RunFlags() {
    if (!options_.toggle_flags) return;
    const Session* manager = SessionFor(Role::kManager);
    for (const std::string& flag : profile_.feature_flags) {
      if (!manager) {
        Fail(NewCase("flags:" + flag, "off, then on, then as before"),
             Missing(Role::kManager) + ": only a manager may change flags");
        continue;
      }
      ToggleFlag(*manager, flag);
    }
  }

  // Off, on, then back to what it was — restored even when a step failed.
  void ToggleFlag(const Session& manager, const std::string& flag) {
    CaseResult c = NewCase("flags:" + flag, "off, then on, then as before");
    Result<FlagProbe> probe = ProbeFor(c, flag);
    if (!probe.ok()) return Fail(std::move(c), probe.status().message());
    c.expected =
        fmt::format("off: {}; on: {}; then restored", probe->off_expected, probe->on_expected);
    Result<FlagSetting> original = ReadFlag(c, manager, flag);
    if (!original.ok()) return Fail(std::move(c), original.status().message());
    if (original->env_override) {
      return Fail(std::move(c),
                  fmt::format("skipped: the server's environment sets {}={}, which overrides the "
                              "database, so toggling it cannot be shown",
                              flag, *original->env_override ? "true" : "false"));
    }
    const StepOutcome off = SwitchAndProbe(c, manager, flag, false, *probe);
    const StepOutcome on = SwitchAndProbe(c, manager, flag, true, *probe);
    const StepOutcome restored = RestoreFlag(c, manager, flag, *original);
    c.pass = off.ok && on.ok && restored.ok;
    c.got = fmt::format("off: {}; on: {}; {}", off.text, on.text, restored.text);
    Finish(std::move(c));
  }

  // What `flag` gates: the lens (its probe), an action's sub-flag (that action: the flag
  // check comes before the payload's, so an empty payload shows it), or the suggestions.
  Result<FlagProbe> ProbeFor(CaseResult& c, const std::string& flag) {
    const LensDef* lens = registry_.FindLens(profile_.lens_id);
    if (!lens) return Status::Internal("no lens " + profile_.lens_id);
    if (std::find(lens->flags.begin(), lens->flags.end(), flag) != lens->flags.end()) {
      const ActionDef* probe = registry_.FindAction(profile_.probe_action);
      if (!probe) return Status::Internal("the lens has no probe action");
      CELESTE_ASSIGN_OR_RETURN(json::object payload, Generate(c, *probe, {}));
      return ActionProbe(*probe, std::move(payload), Ok());
    }
    if (flag == lens->suggestions_flag) return SuggestionsProbe();
    for (const ActionDef* a : LensActions()) {
      if (std::find(a->extra_flags.begin(), a->extra_flags.end(), flag) != a->extra_flags.end()) {
        return ActionProbe(*a, {}, PastTheFlagCheck(*a));
      }
    }
    return Status::Internal(flag + " gates nothing the suite knows how to probe");
  }

  Result<FlagProbe> ActionProbe(const ActionDef& action, json::object payload,
                                const Expectation& on) const {
    const Session* as = FirstAllowed(action);
    if (!as) return Status::Internal(NoneAllowed(action));
    const Expectation off = ErrorAnswer(503, "feature_disabled");
    FlagProbe p;
    p.call = ExecuteCall(*as, action.id, std::move(payload));
    p.off_expected = fmt::format("{} from {}", off.Text(), action.id);
    p.on_expected = fmt::format("{} from {}", on.Text(), action.id);
    p.off_ok = [off](const Answer& a) { return a.Matches(off); };
    p.on_ok = [on](const Answer& a) { return a.Matches(on); };
    p.describe = [](const Answer& a) { return a.Detail(); };
    return p;
  }

  // A query the lens surely answers: the first keyword of the first of its actions that the
  // asking role may initiate.
  Result<FlagProbe> SuggestionsProbe() const {
    const Session* as = nullptr;
    std::string keyword;
    for (Role r : kActorOrder) {
      if (!SessionFor(r)) continue;
      for (const ActionDef* a : LensActions()) {
        if (a->allowed_roles.Contains(r) && !a->search_keywords.empty()) {
          as = SessionFor(r);
          keyword = a->search_keywords.front();
          break;
        }
      }
      if (as) break;
    }
    if (!as) return Status::Internal("no account that logged in may initiate a suggested action");
    const json::object body{
        {"query", keyword}, {"yacht_id", options_.yacht_id}, {"domain", profile_.domain}};
    const std::string lens = profile_.lens_id;
    FlagProbe p;
    p.call = Call{Method::kPost, "/v1/actions/suggestions", json::value(body), as};
    p.off_expected = fmt::format("200 suggesting none of the lens's actions for \"{}\"", keyword);
    p.on_expected = fmt::format("200 suggesting the lens's actions for \"{}\"", keyword);
    p.off_ok = [lens](const Answer& a) { return a.status == 200 && LensSuggestions(a, lens) == 0; };
    p.on_ok = [lens](const Answer& a) { return a.status == 200 && LensSuggestions(a, lens) > 0; };
    p.describe = [lens](const Answer& a) {
      return a.status == 200
                 ? fmt::format("200 suggesting {} of the lens's actions", LensSuggestions(a, lens))
                 : a.Detail();
    };
    return p;
  }

  Result<FlagSetting> ReadFlag(CaseResult& c, const Session& manager, const std::string& flag) {
    const Answer a =
        Send(c, {Method::kGet, "/v1/flags?yacht_id=" + options_.yacht_id, std::nullopt, &manager});
    if (a.status != 200) return Status::Internal("GET /v1/flags answered " + a.Detail());
    const json::value* flags = a.Member("flags");
    if (!flags || !flags->is_array()) {
      return Status::Internal("GET /v1/flags answered without a flags list");
    }
    for (const auto& f : flags->as_array()) {
      if (!f.is_object() || GetString(f.as_object(), "flag_name") != flag) continue;
      const json::object& o = f.as_object();
      FlagSetting s;
      s.enabled = GetBool(o, "enabled").value_or(false);
      s.canary_percentage = GetInt(o, "canary_percentage").value_or(100);
      if (const json::value* env = o.if_contains("env_override"); env && env->is_bool()) {
        s.env_override = env->as_bool();
      }
      return s;
    }
    return Status::Internal("GET /v1/flags does not list " + flag);
  }

  StepOutcome SwitchAndProbe(CaseResult& c, const Session& manager, const std::string& flag,
                             bool on, const FlagProbe& probe) {
    json::object body{{"yacht_id", options_.yacht_id}, {"enabled", on}};
    if (on) body["canary_percentage"] = 100;  // on for this yacht, whatever its bucket
    const Answer put =
        Send(c, {Method::kPut, "/v1/flags/" + flag, json::value(std::move(body)), &manager});
    if (put.status != 200) {
      return {false, fmt::format("PUT enabled={} answered {}", on, put.Detail())};
    }
    const auto& done = on ? probe.on_ok : probe.off_ok;
    const Answer a = PollUntil(c, probe.call, done);
    return {done(a), probe.describe(a)};
  }

  StepOutcome RestoreFlag(CaseResult& c, const Session& manager, const std::string& flag,
                          const FlagSetting& original) {
    const json::object body{{"yacht_id", options_.yacht_id},
                            {"enabled", original.enabled},
                            {"canary_percentage", original.canary_percentage}};
    const Answer a = Send(c, {Method::kPut, "/v1/flags/" + flag, json::value(body), &manager});
    const std::string setting = fmt::format("enabled={}, canary_percentage={}", original.enabled,
                                            original.canary_percentage);
    const json::value* stored = a.Member("flag");
    const bool same =
        a.status == 200 && stored && stored->is_object() &&
        GetBool(stored->as_object(), "enabled") == original.enabled &&
        GetInt(stored->as_object(), "canary_percentage") == original.canary_percentage;
    if (!same) {
      return {false, fmt::format("NOT restored: PUT answered {} (set it back by hand: {})",
                                 a.Detail(), setting)};
    }
    return {true, "restored (" + setting + ")"};
  }

  // --- the whole run --------------------------------------------------------------------

  void RunNo5xx() {
    CaseResult c = NewCase("no_5xx",
                           "no answer with a 5xx status in the whole run (503 "
                           "feature_disabled, a flag's answer, aside)");
    c.transcripts = server_error_files_;
    c.pass = server_errors_ == 0;
    c.got = c.pass ? fmt::format("0 of {} responses", responses_)
                   : fmt::format("{} of {} responses: {}", server_errors_, responses_,
                                 Join(server_error_texts_));
    Finish(std::move(c));
  }

  void RunEvidenceCheck() {
    if (evidence_errors_.empty()) return;
    Fail(NewCase("evidence", "every request's transcript written"),
         fmt::format("{} transcript(s) not written: {}", evidence_errors_.size(),
                     evidence_errors_.front()));
  }

  // Constant after construction.
  const Registry& registry_;
  const LensOpsProfile& profile_;
  const AcceptanceOptions& options_;
  Evidence& evidence_;
  const Clock& clock_;
  const AcceptanceRunner::CaseListener& on_case_;

  HttpClient client_;
  const std::string run_id_;  // in every X-Request-Id of the run
  const uint64_t seed_base_;  // generated texts are unique across runs
  uint64_t generated_ = 0;    // payloads generated so far
  int64_t requests_ = 0;      // requests sent (recorded or not)
  int64_t responses_ = 0;
  int64_t server_errors_ = 0;  // responses with Answer::IsServerError
  std::vector<std::string> server_error_files_;
  std::vector<std::string> server_error_texts_;
  std::vector<std::string> evidence_errors_;
  std::map<Role, Session> sessions_;  // accounts logged in with their expected role
  std::map<Role, std::string> login_problems_;
  std::optional<std::string> shared_entity_;
  std::optional<Elsewhere> elsewhere_;  // the foreign account, once logged in
  AcceptanceReport report_;
};

}  // namespace

AcceptanceRunner::AcceptanceRunner(const Registry& registry, LensOpsProfile profile,
                                   AcceptanceOptions options, Evidence& evidence,
                                   const Clock& clock)
    : registry_(registry),
      profile_(std::move(profile)),
      options_(std::move(options)),
      evidence_(evidence),
      clock_(clock) {}

AcceptanceReport AcceptanceRunner::Run(const CaseListener& on_case) {
  Suite suite(registry_, profile_, options_, evidence_, clock_, on_case);
  return suite.Run();
}

}  // namespace celeste::ops
