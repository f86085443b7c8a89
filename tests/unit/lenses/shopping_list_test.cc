// Shopping list lens (CONTRACT §7): the handlers against a real, migrated SQLite store.
//
// Each test opens a fresh database with two yachts and one member per role on the first
// (a manager sits on both), registers the lens, and calls handlers the way the dispatcher
// does: payload validated against the action's fields, then the handler inside one
// transaction scoped to the yacht (read-only for READ actions).
#include "lenses/shopping_list/shopping_list_lens.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "../store/temp_dir.h"
#include "actions/fields.h"
#include "actions/registry.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "lens_registration.h"
#include "store/store.h"

namespace celeste {
namespace {

namespace json = boost::json;
using S = ShoppingListStatus;

constexpr Micros kT0 = 1'790'000'000 * kMicrosPerSecond;

// The moves CONTRACT §7 allows, written out again here so the lens's own table is tested
// against the contract rather than against itself.
const std::set<std::pair<S, S>> kContractMoves = {
    {S::kRequested, S::kUnderReview},
    {S::kRequested, S::kApproved},
    {S::kRequested, S::kRejected},
    {S::kUnderReview, S::kApproved},
    {S::kUnderReview, S::kRejected},
    {S::kApproved, S::kOrdered},
    {S::kOrdered, S::kPartiallyFulfilled},
    {S::kOrdered, S::kFulfilled},
    {S::kPartiallyFulfilled, S::kFulfilled},
    // Not in CONTRACT §7's list: a cancelled purchase order sends its items back
    // (docs/api.md, receiving lens).
    {S::kOrdered, S::kApproved},
};

std::string Name(S status) { return std::string(ShoppingListStatusName(status)); }

std::string CodeOf(const Status& status) { return std::string(ErrorCodeName(status.code())); }

class ShoppingListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    store_ = NewMigratedStore(dir_);
    ASSERT_NE(store_, nullptr);
    RegisterShoppingListLens(registry_);

    yacht_ = AddYacht("Aurora");
    other_yacht_ = AddYacht("Borealis");
    crew_ = AddMember("crew", Role::kCrew);
    deckhand_ = AddMember("deckhand", Role::kCrew);
    purser_ = AddMember("purser", Role::kPurser);
    chief_engineer_ = AddMember("chief.engineer", Role::kChiefEngineer);
    chief_officer_ = AddMember("chief.officer", Role::kChiefOfficer);
    captain_ = AddMember("captain", Role::kCaptain);
    manager_ = AddMember("manager", Role::kManager);
    // The fleet manager also manages the other yacht.
    ASSERT_TRUE(Write(other_yacht_, [&](Tx& tx) {
                  return Insert(tx,
                                "INSERT INTO memberships (yacht_id, user_id, role, "
                                "created_at) VALUES ($1, $2, 'manager', $3)",
                                {other_yacht_, manager_.user_id, Now()});
                }).ok());
    manager_.memberships.push_back({other_yacht_, "Borealis", Role::kManager});
  }

  std::string Now() const { return FormatRfc3339(clock_.Now()); }

  static Status Insert(Tx& tx, const char* sql, const Params& params) {
    return tx.Exec(Sql{sql}, params).TakeStatus();
  }

  Status Write(const std::string& scope, const std::function<Status(Tx&)>& fn) {
    return store_->Run(TxMode::kWrite, scope, fn);
  }

  std::string AddYacht(const std::string& name) {
    std::string id = NewUuidV7();
    EXPECT_TRUE(Write("", [&](Tx& tx) {
                  return Insert(tx, "INSERT INTO yachts (id, name, created_at) VALUES ($1, $2, $3)",
                                {id, name, Now()});
                }).ok());
    return id;
  }

  Principal AddMember(const std::string& name, Role role) {
    Principal who{NewUuidV7(), name + "@aurora.test", name, {{yacht_, "Aurora", role}}};
    EXPECT_TRUE(Write("", [&](Tx& tx) {
                  CELESTE_RETURN_IF_ERROR(
                      Insert(tx,
                             "INSERT INTO users (id, email, name, password_hash, created_at) "
                             "VALUES ($1, $2, $3, 'x', $4)",
                             {who.user_id, who.email, who.name, Now()}));
                  return Insert(tx,
                                "INSERT INTO memberships (yacht_id, user_id, role, created_at) "
                                "VALUES ($1, $2, $3, $4)",
                                {yacht_, who.user_id, RoleName(role), Now()});
                }).ok());
    return who;
  }

  // A catalog part, inserted the way the parts lens would.
  std::string AddPart(const std::string& yacht_id, const std::string& name,
                      const std::optional<std::string>& part_number) {
    std::string id = NewUuidV7();
    EXPECT_TRUE(Write(yacht_id, [&](Tx& tx) {
                  return Insert(tx,
                                "INSERT INTO pms_parts (id, yacht_id, name, part_number, "
                                "manufacturer, unit, created_at, created_by) "
                                "VALUES ($1, $2, $3, $4, 'Volvo Penta', 'pcs', $5, $6)",
                                {id, yacht_id, name, part_number, Now(), manager_.user_id});
                }).ok());
    return id;
  }

  // Calls an action as `who` on `yacht_id` the way the dispatcher does after its own
  // checks: the payload must satisfy the action's fields (a test payload that does not is
  // a broken test), then the handler runs in one transaction. The clock moves 1 s per call.
  Result<ActionOutcome> ExecuteOn(const std::string& yacht_id, const std::string& action_id,
                                  const Principal& who, const json::object& payload) {
    clock_.Advance(kMicrosPerSecond);
    const ActionDef* action = registry_.FindAction(action_id);
    if (action == nullptr) return Status::Internal("no action " + action_id);
    const Membership* membership = who.MembershipOn(yacht_id);
    if (membership == nullptr) return Status::Internal(who.name + " is not on that yacht");
    Status valid = ValidatePayload(*action, payload);
    if (!valid.ok()) return valid;
    const ActionContext ctx{*action, who,     yacht_id,   membership->role, "",
                            payload, nullptr, "test-req", clock_.Now(),     Now()};
    std::optional<ActionOutcome> outcome;
    const TxMode mode = action->variant == Variant::kRead ? TxMode::kRead : TxMode::kWrite;
    Status status = store_->Run(mode, yacht_id, [&](Tx& tx) {
      auto result = action->handler(ctx, tx);
      if (!result.ok()) return std::move(result).TakeStatus();
      outcome = std::move(result).value();
      return Status::OK();
    });
    if (!status.ok()) return status;
    return std::move(*outcome);
  }

  Result<ActionOutcome> Execute(const std::string& action_id, const Principal& who,
                                const json::object& payload) {
    return ExecuteOn(yacht_, action_id, who, payload);
  }

  // Executes and expects success; returns the result object (empty on failure).
  json::object Ok(const std::string& action_id, const Principal& who, const json::object& payload) {
    auto outcome = Execute(action_id, who, payload);
    EXPECT_TRUE(outcome.ok()) << action_id << ": " << outcome.status().ToString();
    return outcome.ok() ? outcome->result : json::object();
  }

  std::string CreateCandidate(const std::string& part_name = "Impeller kit") {
    json::object item =
        Ok("create_shopping_list_item", crew_,
           {{"part_name", part_name}, {"quantity_requested", 2}, {"source_type", "manual_add"}});
    return std::string(item["id"].as_string());
  }

  json::object View(const std::string& item_id) {
    return Ok("view_shopping_list_item", crew_, {{"item_id", item_id}});
  }

  std::string StatusOf(const std::string& item_id) {
    return std::string(View(item_id)["status"].as_string());
  }

  json::array History(const std::string& item_id) {
    json::object result = Ok("view_shopping_list_history", crew_, {{"item_id", item_id}});
    return result["history"].as_array();
  }

  Status Transition(const std::string& item_id, S to) {
    clock_.Advance(kMicrosPerSecond);
    return Write(yacht_, [&](Tx& tx) {
      return TransitionShoppingListItem(tx, yacht_, item_id, to, chief_engineer_.user_id,
                                        Role::kChiefEngineer, Now(), "via receiving");
    });
  }

  // A new item driven into `state` by the lens's actions and, past approval, by
  // TransitionShoppingListItem (as the receiving lens will).
  std::string ItemIn(S state) {
    const std::string id = CreateCandidate();
    auto approve = [&] {
      Ok("approve_shopping_list_item", captain_, {{"item_id", id}, {"quantity_approved", 2}});
    };
    switch (state) {
      case S::kRequested:
        break;
      case S::kUnderReview:
        Ok("review_shopping_list_item", chief_officer_, {{"item_id", id}});
        break;
      case S::kApproved:
        approve();
        break;
      case S::kOrdered:
      case S::kPartiallyFulfilled:
      case S::kFulfilled:
        approve();
        EXPECT_TRUE(Transition(id, S::kOrdered).ok());
        if (state == S::kPartiallyFulfilled) {
          EXPECT_TRUE(Transition(id, S::kPartiallyFulfilled).ok());
        }
        if (state == S::kFulfilled) {
          EXPECT_TRUE(Transition(id, S::kFulfilled).ok());
        }
        break;
      case S::kRejected:
        Ok("reject_shopping_list_item", captain_,
           {{"item_id", id}, {"rejection_reason", "Spare already aboard"}});
        break;
    }
    EXPECT_EQ(StatusOf(id), Name(state));
    return id;
  }

  celeste::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
  Registry registry_;
  std::string yacht_;
  std::string other_yacht_;
  Principal crew_;
  Principal deckhand_;
  Principal purser_;
  Principal chief_engineer_;
  Principal chief_officer_;
  Principal captain_;
  Principal manager_;
};

TEST(ShoppingListStatusTest, TableIsTheContractTable) {
  for (S from : kAllShoppingListStatuses) {
    for (S to : kAllShoppingListStatuses) {
      const bool want = kContractMoves.count({from, to}) > 0;
      EXPECT_EQ(shopping_list::IsAllowedMove(from, to), want) << Name(from) << " -> " << Name(to);
    }
    const bool terminal = from == S::kRejected || from == S::kFulfilled;
    EXPECT_EQ(shopping_list::IsTerminal(from), terminal) << Name(from);
    EXPECT_EQ(ParseShoppingListStatus(Name(from)), from) << Name(from);
  }
  EXPECT_EQ(ParseShoppingListStatus("cancelled"), std::nullopt);
}

TEST(ShoppingListRegistrationTest, LensAndActionsMatchTheContract) {
  Registry registry;
  RegisterShoppingListLens(registry);

  const LensDef* lens = registry.FindLens("shopping_list");
  ASSERT_NE(lens, nullptr);
  EXPECT_EQ(lens->label, "Shopping list");
  EXPECT_EQ(lens->flags, std::vector<std::string>{"SHOPPING_LIST_LENS_V1_ENABLED"});
  EXPECT_EQ(lens->probe_action, "list_shopping_list_items");
  EXPECT_EQ(lens->slo_p95_ms, 500);

  const RoleSet kPromoters{Role::kChiefEngineer, Role::kManager};
  testing::ExpectLensActions(
      registry, "shopping_list",
      {
          {"create_shopping_list_item",
           Variant::kMutate,
           RoleSet::All(),
           {"part_name", "quantity_requested", "source_type"},
           {"part_id", "part_number", "manufacturer", "unit", "urgency", "required_by_date",
            "source_work_order_id", "notes"}},
          {"review_shopping_list_item", Variant::kMutate, RoleSet::Hod(), {"item_id"}, {"notes"}},
          {"approve_shopping_list_item",
           Variant::kMutate,
           RoleSet::Hod(),
           {"item_id", "quantity_approved"},
           {"approval_notes"}},
          {"reject_shopping_list_item",
           Variant::kMutate,
           RoleSet::Hod(),
           {"item_id", "rejection_reason"},
           {"rejection_notes"}},
          {"update_shopping_list_item",
           Variant::kMutate,
           RoleSet::All(),
           {"item_id"},
           {"quantity_requested", "urgency", "required_by_date", "notes"}},
          {"promote_candidate_to_part",
           Variant::kMutate,
           kPromoters,
           {"item_id"},
           {"part_number", "min_level", "location"}},
          {"view_shopping_list_item", Variant::kRead, RoleSet::All(), {"item_id"}, {}},
          {"view_shopping_list_history", Variant::kRead, RoleSet::All(), {"item_id"}, {}},
          {"list_shopping_list_items",
           Variant::kRead,
           RoleSet::All(),
           {},
           {"status", "limit", "cursor"}},
      });

  // Quantities are numbers strictly above zero; ids are UUIDs.
  for (const auto& [action_id, field_name] : std::vector<std::pair<std::string, std::string>>{
           {"create_shopping_list_item", "quantity_requested"},
           {"approve_shopping_list_item", "quantity_approved"},
           {"update_shopping_list_item", "quantity_requested"}}) {
    const FieldDef* field = registry.FindAction(action_id)->FindField(field_name);
    ASSERT_NE(field, nullptr) << action_id << "." << field_name;
    EXPECT_EQ(field->type, FieldType::kNumber) << action_id << "." << field_name;
    EXPECT_EQ(field->min, 0.0) << action_id << "." << field_name;
    EXPECT_TRUE(field->min_exclusive) << action_id << "." << field_name;
  }
  const FieldDef* limit = registry.FindAction("list_shopping_list_items")->FindField("limit");
  EXPECT_EQ(limit->type, FieldType::kInteger);
  EXPECT_EQ(limit->min, 1.0);
  EXPECT_EQ(limit->max, 200.0);
  const FieldDef* urgency = registry.FindAction("create_shopping_list_item")->FindField("urgency");
  EXPECT_EQ(urgency->enum_values, (std::vector<std::string>{"low", "normal", "high", "critical"}));
}

TEST_F(ShoppingListTest, HappyPathFromRequestToFulfilledWritesOneHistoryRowPerMove) {
  auto created = Execute("create_shopping_list_item", crew_,
                         {{"part_name", "Raw water impeller"},
                          {"quantity_requested", 3},
                          {"source_type", "manual_add"},
                          {"urgency", "high"},
                          {"required_by_date", "2026-12-01"},
                          {"notes", "Port main engine"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->entity_type, "shopping_list_item");
  const std::string id = created->entity_id;
  EXPECT_EQ(created->result.at("id").as_string(), id);
  EXPECT_EQ(created->result.at("status").as_string(), "requested");
  EXPECT_EQ(created->result.at("created_by").as_string(), crew_.user_id);
  EXPECT_EQ(created->result.at("urgency").as_string(), "high");

  json::object reviewed =
      Ok("review_shopping_list_item", chief_officer_, {{"item_id", id}, {"notes", "Checking"}});
  EXPECT_EQ(reviewed["status"].as_string(), "under_review");
  EXPECT_EQ(reviewed["reviewed_by"].as_string(), chief_officer_.user_id);

  json::object approved =
      Ok("approve_shopping_list_item", captain_,
         {{"item_id", id}, {"quantity_approved", 2}, {"approval_notes", "Two"}});
  EXPECT_EQ(approved["status"].as_string(), "approved");
  EXPECT_EQ(approved["quantity_approved"], json::value(2));
  EXPECT_EQ(approved["approved_by"].as_string(), captain_.user_id);
  EXPECT_EQ(approved["approval_notes"].as_string(), "Two");

  for (S to : {S::kOrdered, S::kPartiallyFulfilled, S::kFulfilled}) {
    Status moved = Transition(id, to);
    EXPECT_TRUE(moved.ok()) << Name(to) << ": " << moved.ToString();
    EXPECT_EQ(StatusOf(id), Name(to));
  }

  struct Want {
    const char* from;  // nullptr: creation
    const char* to;
    const Principal* actor;
    const char* role;
  };
  const Want kWant[] = {
      {nullptr, "requested", &crew_, "crew"},
      {"requested", "under_review", &chief_officer_, "chief_officer"},
      {"under_review", "approved", &captain_, "captain"},
      {"approved", "ordered", &chief_engineer_, "chief_engineer"},
      {"ordered", "partially_fulfilled", &chief_engineer_, "chief_engineer"},
      {"partially_fulfilled", "fulfilled", &chief_engineer_, "chief_engineer"},
  };
  json::object result = Ok("view_shopping_list_history", purser_, {{"item_id", id}});
  EXPECT_EQ(result["item_id"].as_string(), id);
  const json::array& history = result["history"].as_array();
  ASSERT_EQ(history.size(), std::size(kWant));
  std::string previous_at;
  for (size_t i = 0; i < history.size(); ++i) {
    const json::object& row = history[i].as_object();
    const Want& want = kWant[i];
    if (want.from == nullptr) {
      EXPECT_TRUE(row.at("from_status").is_null()) << "row " << i;
    } else {
      EXPECT_EQ(row.at("from_status").as_string(), want.from) << "row " << i;
    }
    EXPECT_EQ(row.at("to_status").as_string(), want.to) << "row " << i;
    EXPECT_EQ(row.at("actor_id").as_string(), want.actor->user_id) << "row " << i;
    EXPECT_EQ(row.at("actor_role").as_string(), want.role) << "row " << i;
    const std::string at(row.at("at").as_string());
    EXPECT_GT(at, previous_at) << "row " << i << ": oldest first";
    previous_at = at;
  }
  EXPECT_EQ(history[1].at("notes").as_string(), "Checking");
  EXPECT_EQ(history[3].at("notes").as_string(), "via receiving");
}

TEST_F(ShoppingListTest, MovesInOneTransactionAtOneInstantKeepTheirOrderInTheHistory) {
  // Receiving a whole delivery at once: ordered, then partially fulfilled, then fulfilled,
  // all in one transaction with one timestamp. The database's triggers give history rows
  // random ids, so only the chain of statuses can order them.
  // Four items: random ids would put three rows in order by chance one time in six.
  for (int item = 0; item < 4; ++item) {
    const std::string id = ItemIn(S::kApproved);
    clock_.Advance(kMicrosPerSecond);
    const std::string at = Now();
    Status moved = Write(yacht_, [&](Tx& tx) {
      for (S to : {S::kOrdered, S::kPartiallyFulfilled, S::kFulfilled}) {
        CELESTE_RETURN_IF_ERROR(TransitionShoppingListItem(
            tx, yacht_, id, to, chief_engineer_.user_id, Role::kChiefEngineer, at, std::nullopt));
      }
      return Status::OK();
    });
    ASSERT_TRUE(moved.ok()) << moved.ToString();
    json::object result = Ok("view_shopping_list_history", purser_, {{"item_id", id}});
    const json::array& history = result["history"].as_array();
    ASSERT_GE(history.size(), 3u);
    const size_t n = history.size();
    EXPECT_EQ(history[n - 3].at("to_status").as_string(), "ordered") << "item " << item;
    EXPECT_EQ(history[n - 2].at("to_status").as_string(), "partially_fulfilled") << "item " << item;
    EXPECT_EQ(history[n - 1].at("to_status").as_string(), "fulfilled") << "item " << item;
    for (size_t i = 1; i < n; ++i) {
      EXPECT_EQ(history[i].at("from_status"), history[i - 1].at("to_status"))
          << "item " << item << " row " << i;
    }
  }
}

TEST_F(ShoppingListTest, EveryIllegalMoveByActionIsInvalidStateTransitionAndChangesNothing) {
  struct Case {
    const char* action;
    S to;
    json::object extra;
  };
  const Case kActions[] = {
      {"review_shopping_list_item", S::kUnderReview, {}},
      {"approve_shopping_list_item", S::kApproved, {{"quantity_approved", 1}}},
      {"reject_shopping_list_item", S::kRejected, {{"rejection_reason", "Not needed"}}},
  };
  for (S from : kAllShoppingListStatuses) {
    for (const Case& c : kActions) {
      const std::string name = std::string(c.action) + " from " + Name(from);
      const std::string id = ItemIn(from);
      const size_t history_before = History(id).size();
      json::object payload = c.extra;
      payload["item_id"] = id;

      auto outcome = Execute(c.action, manager_, payload);

      if (kContractMoves.count({from, c.to}) > 0) {
        ASSERT_TRUE(outcome.ok()) << name << ": " << outcome.status().ToString();
        EXPECT_EQ(outcome->result.at("status").as_string(), Name(c.to)) << name;
        EXPECT_EQ(History(id).size(), history_before + 1) << name;
      } else {
        ASSERT_FALSE(outcome.ok()) << name;
        EXPECT_EQ(CodeOf(outcome.status()), "invalid_state_transition") << name;
        EXPECT_EQ(outcome.status().details().at("current_state").as_string(), Name(from)) << name;
        EXPECT_EQ(StatusOf(id), Name(from)) << name;
        EXPECT_EQ(History(id).size(), history_before) << name;
      }
    }
  }
}

TEST_F(ShoppingListTest, TransitionFunctionEnforcesTheSameTable) {
  for (S from : kAllShoppingListStatuses) {
    for (S to : kAllShoppingListStatuses) {
      const std::string name = Name(from) + " -> " + Name(to);
      const std::string id = ItemIn(from);
      const size_t history_before = History(id).size();

      Status moved = Transition(id, to);

      const bool allowed = kContractMoves.count({from, to}) > 0;
      // Back to approved only from ordered (a cancelled purchase order).
      const bool plain = to == S::kOrdered || to == S::kPartiallyFulfilled || to == S::kFulfilled ||
                         (from == S::kOrdered && to == S::kApproved);
      if (allowed && plain) {
        EXPECT_TRUE(moved.ok()) << name << ": " << moved.ToString();
        EXPECT_EQ(StatusOf(id), Name(to)) << name;
        EXPECT_EQ(History(id).size(), history_before + 1) << name;
        continue;
      }
      if (allowed) {
        EXPECT_EQ(CodeOf(moved), "business_rule_violation") << name;
        EXPECT_EQ(moved.details().at("rule").as_string(), "use_shopping_list_action") << name;
      } else {
        EXPECT_EQ(CodeOf(moved), "invalid_state_transition") << name;
      }
      EXPECT_EQ(StatusOf(id), Name(from)) << name;
      EXPECT_EQ(History(id).size(), history_before) << name;
    }
  }

  const std::string id = ItemIn(S::kApproved);
  Status elsewhere = Write(other_yacht_, [&](Tx& tx) {
    return TransitionShoppingListItem(tx, other_yacht_, id, S::kOrdered, manager_.user_id,
                                      Role::kManager, Now());
  });
  EXPECT_EQ(CodeOf(elsewhere), "not_found");
  EXPECT_EQ(StatusOf(id), "approved");
}

TEST_F(ShoppingListTest, SecondOpenItemForTheSamePartAndWorkOrderIsDuplicate) {
  const std::string part = AddPart(yacht_, "Fuel filter", "FF-100");
  const std::string work_order = NewUuidV7();
  const std::string other_work_order = NewUuidV7();
  auto create = [&](const std::optional<std::string>& part_id,
                    const std::optional<std::string>& wo) {
    json::object payload{{"part_name", "Fuel filter"},
                         {"quantity_requested", 1},
                         {"source_type", wo ? "work_order" : "low_stock"}};
    if (part_id) payload["part_id"] = *part_id;
    if (wo) payload["source_work_order_id"] = *wo;
    return Execute("create_shopping_list_item", crew_, payload);
  };

  auto first = create(part, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->result.at("part_number").as_string(), "FF-100") << "filled from the catalog";
  EXPECT_EQ(first->result.at("is_candidate_part").as_bool(), false);
  auto for_work_order = create(part, work_order);
  ASSERT_TRUE(for_work_order.ok()) << for_work_order.status().ToString();

  struct Case {
    const char* name;
    std::optional<std::string> part_id;
    std::optional<std::string> work_order;
    std::optional<std::string> existing_id;  // nullopt: not a duplicate
  };
  const Case kCases[] = {
      {"same part, no work order", part, std::nullopt, first->entity_id},
      {"same part, same work order", part, work_order, for_work_order->entity_id},
      {"same part, other work order", part, other_work_order, std::nullopt},
      {"candidate part, no work order", std::nullopt, std::nullopt, std::nullopt},
      {"candidate part again", std::nullopt, std::nullopt, std::nullopt},
  };
  for (const Case& c : kCases) {
    auto outcome = create(c.part_id, c.work_order);
    if (!c.existing_id) {
      EXPECT_TRUE(outcome.ok()) << c.name << ": " << outcome.status().ToString();
      continue;
    }
    ASSERT_FALSE(outcome.ok()) << c.name;
    EXPECT_EQ(CodeOf(outcome.status()), "duplicate") << c.name;
    EXPECT_EQ(outcome.status().details().at("existing_id").as_string(), *c.existing_id) << c.name;
  }

  // Closed items no longer count: once the first is rejected, the part may be asked again.
  Ok("reject_shopping_list_item", captain_,
     {{"item_id", first->entity_id}, {"rejection_reason", "Wrong filter"}});
  auto again = create(part, std::nullopt);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(ShoppingListTest, PartIdMustBeACatalogPartOfThisYacht) {
  const std::string foreign_part = AddPart(other_yacht_, "Alternator belt", "AB-7");
  for (const std::string& part_id : {foreign_part, NewUuidV7()}) {
    auto outcome = Execute("create_shopping_list_item", crew_,
                           {{"part_name", "Alternator belt"},
                            {"quantity_requested", 1},
                            {"source_type", "manual_add"},
                            {"part_id", part_id}});
    ASSERT_FALSE(outcome.ok()) << part_id;
    EXPECT_EQ(CodeOf(outcome.status()), "not_found") << part_id;
    EXPECT_NE(outcome.status().message().find("part_id"), std::string::npos)
        << outcome.status().message();
  }
  json::object list = Ok("list_shopping_list_items", crew_, {});
  EXPECT_TRUE(list["items"].as_array().empty());
}

TEST_F(ShoppingListTest, PromotingACandidateCreatesAndLinksTheCatalogPartOnce) {
  json::object created = Ok("create_shopping_list_item", crew_,
                            {{"part_name", "Watermaker membrane"},
                             {"quantity_requested", 1},
                             {"source_type", "fault"},
                             {"manufacturer", "Spectra"},
                             {"unit", "pcs"}});
  const std::string id(created["id"].as_string());
  EXPECT_TRUE(created["part_id"].is_null());
  EXPECT_TRUE(created["is_candidate_part"].as_bool());

  auto promoted = Execute(
      "promote_candidate_to_part", chief_engineer_,
      {{"item_id", id}, {"part_number", "SP-MEM-40"}, {"min_level", 1}, {"location", "Lazarette"}});
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_TRUE(promoted->created);
  EXPECT_EQ(promoted->entity_type, "shopping_list_item");
  EXPECT_EQ(promoted->entity_id, id);
  const std::string part_id(promoted->result.at("part_id").as_string());
  EXPECT_TRUE(IsUuid(part_id));
  const json::object& part = promoted->result.at("part").as_object();
  EXPECT_EQ(part.at("id").as_string(), part_id);
  EXPECT_EQ(part.at("name").as_string(), "Watermaker membrane");
  EXPECT_EQ(part.at("part_number").as_string(), "SP-MEM-40");
  EXPECT_EQ(part.at("manufacturer").as_string(), "Spectra");
  EXPECT_EQ(part.at("min_level"), json::value(1));
  EXPECT_EQ(part.at("location").as_string(), "Lazarette");

  json::object item = View(id);
  EXPECT_EQ(item["part_id"].as_string(), part_id);
  EXPECT_EQ(item["part_number"].as_string(), "SP-MEM-40");
  EXPECT_EQ(item["promoted_by"].as_string(), chief_engineer_.user_id);
  EXPECT_EQ(item["status"].as_string(), "requested") << "promotion is not a state move";

  int catalog_rows = 0;
  ASSERT_TRUE(store_
                  ->Run(TxMode::kRead, yacht_,
                        [&](Tx& tx) {
                          CELESTE_ASSIGN_OR_RETURN(
                              auto row,
                              tx.QueryOne({"SELECT COUNT(*) FROM pms_parts WHERE yacht_id = $1 "
                                           "AND id = $2 AND name = 'Watermaker membrane'"},
                                          {yacht_, part_id}));
                          catalog_rows = static_cast<int>(row->Int(0));
                          return Status::OK();
                        })
                  .ok());
  EXPECT_EQ(catalog_rows, 1);

  auto again = Execute("promote_candidate_to_part", manager_, {{"item_id", id}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(CodeOf(again.status()), "business_rule_violation");
  EXPECT_EQ(again.status().details().at("rule").as_string(), "not_a_candidate");

  // The part number now names a catalog part: promoting another candidate under it is a
  // duplicate that points at the existing part.
  const std::string other = CreateCandidate("Membrane, spare");
  auto clash = Execute("promote_candidate_to_part", manager_,
                       {{"item_id", other}, {"part_number", "SP-MEM-40"}});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(CodeOf(clash.status()), "duplicate");
  EXPECT_EQ(clash.status().details().at("existing_id").as_string(), part_id);
  EXPECT_TRUE(View(other)["part_id"].is_null());

  const std::string catalog_item =
      std::string(Ok("create_shopping_list_item", crew_,
                     {{"part_name", "Fuel filter"},
                      {"quantity_requested", 1},
                      {"source_type", "low_stock"},
                      {"part_id", AddPart(yacht_, "Fuel filter", "FF-100")}})["id"]
                      .as_string());
  auto not_candidate = Execute("promote_candidate_to_part", manager_, {{"item_id", catalog_item}});
  EXPECT_EQ(CodeOf(not_candidate.status()), "business_rule_violation");
}

TEST_F(ShoppingListTest, AnotherYachtsItemIdIsNotFoundAndNothingChanges) {
  const std::string id = ItemIn(S::kUnderReview);
  const json::object before = View(id);
  const size_t history_before = History(id).size();

  struct Case {
    const char* action;
    json::object payload;
  };
  const Case kCases[] = {
      {"view_shopping_list_item", {}},
      {"view_shopping_list_history", {}},
      {"review_shopping_list_item", {}},
      {"approve_shopping_list_item", {{"quantity_approved", 1}}},
      {"reject_shopping_list_item", {{"rejection_reason", "x"}}},
      {"update_shopping_list_item", {{"notes", "changed"}}},
      {"promote_candidate_to_part", {}},
  };
  for (const Case& c : kCases) {
    json::object payload = c.payload;
    payload["item_id"] = id;
    // The manager is a member of both yachts and acts on the other one.
    auto outcome = ExecuteOn(other_yacht_, c.action, manager_, payload);
    ASSERT_FALSE(outcome.ok()) << c.action;
    EXPECT_EQ(CodeOf(outcome.status()), "not_found") << c.action;
  }
  EXPECT_EQ(View(id), before);
  EXPECT_EQ(History(id).size(), history_before);

  json::object list = ExecuteOn(other_yacht_, "list_shopping_list_items", manager_, {})->result;
  EXPECT_TRUE(list["items"].as_array().empty());
}

TEST_F(ShoppingListTest, UpdateIsForHeadsOfDepartmentOrTheCreatorWhileRequested) {
  struct Case {
    const char* name;
    S state;
    const Principal* who;
    const char* want;  // "ok" or an error code
  };
  const Case kCases[] = {
      {"creator while requested", S::kRequested, &crew_, "ok"},
      {"creator once under review", S::kUnderReview, &crew_, "forbidden_role"},
      {"creator once approved", S::kApproved, &crew_, "forbidden_role"},
      {"other crew while requested", S::kRequested, &deckhand_, "forbidden_role"},
      {"purser while requested", S::kRequested, &purser_, "forbidden_role"},
      {"chief officer under review", S::kUnderReview, &chief_officer_, "ok"},
      {"captain on approved", S::kApproved, &captain_, "ok"},
      {"chief engineer on ordered", S::kOrdered, &chief_engineer_, "ok"},
      {"manager on partially fulfilled", S::kPartiallyFulfilled, &manager_, "ok"},
      {"manager on fulfilled", S::kFulfilled, &manager_, "invalid_state_transition"},
      {"captain on rejected", S::kRejected, &captain_, "invalid_state_transition"},
      {"creator on rejected", S::kRejected, &crew_, "invalid_state_transition"},
  };
  for (const Case& c : kCases) {
    const std::string id = ItemIn(c.state);
    const json::object before = View(id);
    auto outcome = Execute("update_shopping_list_item", *c.who,
                           {{"item_id", id},
                            {"quantity_requested", 4.5},
                            {"urgency", "critical"},
                            {"required_by_date", "2027-01-15"},
                            {"notes", "  Needed before the crossing  "}});
    if (std::string(c.want) == "ok") {
      ASSERT_TRUE(outcome.ok()) << c.name << ": " << outcome.status().ToString();
      const json::object& item = outcome->result;
      EXPECT_EQ(item.at("quantity_requested"), json::value(4.5)) << c.name;
      EXPECT_EQ(item.at("urgency").as_string(), "critical") << c.name;
      EXPECT_EQ(item.at("required_by_date").as_string(), "2027-01-15") << c.name;
      EXPECT_EQ(item.at("notes").as_string(), "Needed before the crossing") << c.name;
      EXPECT_EQ(item.at("status"), before.at("status")) << c.name << ": no state move";
      EXPECT_GT(item.at("updated_at").as_string(), before.at("updated_at").as_string()) << c.name;
    } else {
      ASSERT_FALSE(outcome.ok()) << c.name;
      EXPECT_EQ(CodeOf(outcome.status()), c.want) << c.name;
      EXPECT_EQ(View(id), before) << c.name;
    }
  }

  const std::string id = ItemIn(S::kRequested);
  auto nothing = Execute("update_shopping_list_item", crew_, {{"item_id", id}});
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(CodeOf(nothing.status()), "business_rule_violation");
  EXPECT_EQ(nothing.status().details().at("rule").as_string(), "nothing_to_update");

  json::object partial =
      Ok("update_shopping_list_item", crew_, {{"item_id", id}, {"urgency", "low"}});
  EXPECT_EQ(partial["urgency"].as_string(), "low");
  EXPECT_EQ(partial["quantity_requested"], json::value(2)) << "untouched fields stay";
}

TEST_F(ShoppingListTest, RejectionNeedsAReasonAndRecordsIt) {
  const std::string id = ItemIn(S::kRequested);
  // The dispatcher turns away a blank required string; the handler does too.
  for (const char* blank : {"", "   ", "\t\n"}) {
    auto outcome = Execute("reject_shopping_list_item", captain_,
                           {{"item_id", id}, {"rejection_reason", blank}});
    ASSERT_FALSE(outcome.ok()) << "'" << blank << "'";
    EXPECT_EQ(CodeOf(outcome.status()), "invalid_field") << "'" << blank << "'";
    EXPECT_EQ(outcome.status().details().at("field").as_string(), "rejection_reason");

    const ActionDef* reject = registry_.FindAction("reject_shopping_list_item");
    const json::object payload{{"item_id", id}, {"rejection_reason", blank}};
    const ActionContext ctx{*reject, captain_, yacht_,     Role::kCaptain, "",
                            payload, nullptr,  "test-req", clock_.Now(),   Now()};
    Status direct = Write(yacht_, [&](Tx& tx) { return reject->handler(ctx, tx).status(); });
    EXPECT_EQ(CodeOf(direct), "invalid_field") << "handler, '" << blank << "'";
  }
  EXPECT_EQ(StatusOf(id), "requested");

  json::object rejected = Ok("reject_shopping_list_item", chief_engineer_,
                             {{"item_id", id},
                              {"rejection_reason", " Spare already aboard "},
                              {"rejection_notes", "Found two in the engine room store"}});
  EXPECT_EQ(rejected["status"].as_string(), "rejected");
  EXPECT_EQ(rejected["rejection_reason"].as_string(), "Spare already aboard");
  EXPECT_EQ(rejected["rejection_notes"].as_string(), "Found two in the engine room store");
  EXPECT_EQ(rejected["rejected_by"].as_string(), chief_engineer_.user_id);
  const json::array history = History(id);
  EXPECT_EQ(history.back().at("to_status").as_string(), "rejected");
  EXPECT_EQ(history.back().at("notes").as_string(), "Spare already aboard");
}

TEST_F(ShoppingListTest, ListPagesNewestFirstWithCursorAndStatusFilter) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(CreateCandidate("Part " + std::to_string(i)));
  for (size_t i : {1u, 3u}) {
    Ok("review_shopping_list_item", captain_, {{"item_id", created[i]}});
  }
  auto elsewhere = ExecuteOn(other_yacht_, "create_shopping_list_item", manager_,
                             {{"part_name", "Other yacht's part"},
                              {"quantity_requested", 1},
                              {"source_type", "manual_add"}});
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();

  struct Case {
    const char* name;
    std::optional<std::string> status;
    std::vector<std::string> want;  // newest first
  };
  const Case kCases[] = {
      {"all", std::nullopt, {created[4], created[3], created[2], created[1], created[0]}},
      {"under_review", "under_review", {created[3], created[1]}},
      {"requested", "requested", {created[4], created[2], created[0]}},
      {"fulfilled", "fulfilled", {}},
  };
  for (const Case& c : kCases) {
    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    int pages = 0;
    do {
      json::object payload{{"limit", 2}};
      if (c.status) payload["status"] = *c.status;
      if (cursor) payload["cursor"] = *cursor;
      json::object page = Ok("list_shopping_list_items", deckhand_, payload);
      ASSERT_TRUE(page.contains("items") && page.contains("next_cursor")) << c.name;
      const json::array& items = page["items"].as_array();
      EXPECT_LE(items.size(), 2u) << c.name;
      for (const auto& item : items) {
        seen.emplace_back(item.at("id").as_string());
        if (c.status) {
          EXPECT_EQ(item.at("status").as_string(), *c.status) << c.name;
        }
      }
      cursor.reset();
      if (!page["next_cursor"].is_null()) cursor = std::string(page["next_cursor"].as_string());
      ASSERT_LT(++pages, 10) << c.name << ": the cursor must end";
    } while (cursor);
    EXPECT_EQ(seen, c.want) << c.name;
  }

  json::object first_page = Ok("list_shopping_list_items", crew_, {});
  EXPECT_EQ(first_page["items"].as_array().size(), 5u) << "default limit 50";
  EXPECT_TRUE(first_page["next_cursor"].is_null());

  auto bad_cursor = Execute("list_shopping_list_items", crew_, {{"cursor", "page-2"}});
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(CodeOf(bad_cursor.status()), "invalid_field");
  EXPECT_EQ(bad_cursor.status().details().at("field").as_string(), "cursor");
}

TEST_F(ShoppingListTest, ViewShowsEveryColumnWithNumbersAsNumbersAndNullsAsNull) {
  const std::string work_order = NewUuidV7();
  json::object created = Ok("create_shopping_list_item", crew_,
                            {{"part_name", "Shackle"},
                             {"quantity_requested", 2.5},
                             {"source_type", "work_order"},
                             {"source_work_order_id", work_order}});
  json::object item = View(std::string(created["id"].as_string()));
  EXPECT_EQ(item, created);
  EXPECT_TRUE(item["quantity_requested"].is_double());
  EXPECT_EQ(item["quantity_requested"].as_double(), 2.5);
  EXPECT_EQ(item["source_work_order_id"].as_string(), work_order);
  EXPECT_EQ(item["urgency"].as_string(), "normal") << "default urgency";
  EXPECT_EQ(item["yacht_id"].as_string(), yacht_);
  for (const char* column :
       {"part_id", "part_number", "manufacturer", "unit", "quantity_approved", "required_by_date",
        "notes", "reviewed_by", "reviewed_at", "approved_by", "approved_at", "approval_notes",
        "rejected_by", "rejected_at", "rejection_reason", "rejection_notes", "promoted_by",
        "promoted_at"}) {
    ASSERT_TRUE(item.contains(column)) << column;
    EXPECT_TRUE(item[column].is_null()) << column;
  }

  auto missing = Execute("view_shopping_list_item", crew_, {{"item_id", NewUuidV7()}});
  EXPECT_EQ(CodeOf(missing.status()), "not_found");
  auto missing_history = Execute("view_shopping_list_history", crew_, {{"item_id", NewUuidV7()}});
  EXPECT_EQ(CodeOf(missing_history.status()), "not_found");
}

// The database keeps the rules too, for writers that are not this lens.
TEST_F(ShoppingListTest, SchemaRefusesWhatTheStateMachineForbids) {
  const std::string part = AddPart(yacht_, "Oil filter", "OF-1");
  const std::string open_item = std::string(Ok("create_shopping_list_item", crew_,
                                               {{"part_name", "Oil filter"},
                                                {"quantity_requested", 1},
                                                {"source_type", "low_stock"},
                                                {"part_id", part}})["id"]
                                                .as_string());
  struct Case {
    const char* name;
    const char* sql;
    const char* constraint;  // what SQLite names in its message
  };
  const Case kCases[] = {
      {"approved without an approved quantity",
       "UPDATE pms_shopping_list_items SET status = 'approved' WHERE yacht_id = $1 AND id = $2",
       "CHECK constraint failed"},
      {"rejected without a reason",
       "UPDATE pms_shopping_list_items SET status = 'rejected' WHERE yacht_id = $1 AND id = $2",
       "CHECK constraint failed"},
      {"unknown status",
       "UPDATE pms_shopping_list_items SET status = 'lost' WHERE yacht_id = $1 AND id = $2",
       "CHECK constraint failed"},
      {"zero quantity",
       "UPDATE pms_shopping_list_items SET quantity_requested = 0 WHERE yacht_id = $1 AND id = $2",
       "CHECK constraint failed"},
      {"second open item for the part",
       "INSERT INTO pms_shopping_list_items (id, yacht_id, part_name, part_id, "
       "quantity_requested, source_type, created_by, created_at, updated_at) "
       "SELECT $2 || 'x', yacht_id, part_name, part_id, 1, 'manual_add', created_by, "
       "created_at, updated_at FROM pms_shopping_list_items WHERE yacht_id = $1 AND id = $2",
       "UNIQUE constraint failed"},
      {"history of an unknown item",
       "INSERT INTO pms_shopping_list_state_history (id, yacht_id, item_id, to_status, "
       "actor_id, actor_role, at) VALUES ($2 || 'h', $1, $2 || 'x', 'requested', 'a', 'crew', "
       "'2026-01-01T00:00:00Z')",
       "FOREIGN KEY constraint failed"},
  };
  for (const Case& c : kCases) {
    Status s = Write(yacht_, [&](Tx& tx) { return Insert(tx, c.sql, {yacht_, open_item}); });
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_NE(s.message().find(c.constraint), std::string::npos) << c.name << ": " << s.ToString();
  }
  EXPECT_EQ(StatusOf(open_item), "requested");
}

}  // namespace
}  // namespace celeste
