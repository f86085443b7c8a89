#include "cli/demo_fleet.h"

#include <fmt/format.h>
#include <boost/json/array.hpp>

#include "core/uuid.h"
#include "flags/flag_changes.h"

namespace celeste {
namespace {

struct DemoYacht {
  const char* name;
  const char* code;
  const char* domain;  // e-mail domain of its crew
};

constexpr DemoYacht kYachts[] = {
    {"M/Y Celeste", "CELESTE", "celeste.demo"},
    {"M/Y Aurora", "AURORA", "aurora.demo"},
};

struct DemoItem {
  const char* part_name;
  double quantity;
  const char* urgency;
  const char* then;  // "", "review", "approve", "reject"
};

constexpr DemoItem kItems[] = {
    {"Raw water pump impeller", 2, "high", ""},
    {"Fuel filter element 2010PM", 6, "normal", "review"},
    {"Engine oil 15W-40 (20 L)", 4, "normal", "approve"},
    {"Anchor windlass shear pin", 3, "low", "reject"},
};

Result<std::string> Execute(App& app, const Principal& as, const std::string& yacht,
                            std::string action, boost::json::object payload) {
  ExecuteRequest call;
  call.action_id = std::move(action);
  call.yacht_id = yacht;
  call.payload = std::move(payload);
  call.request_id = "demo-" + NewUuidV7();
  CELESTE_ASSIGN_OR_RETURN(ExecuteResult r, app.dispatcher().Execute(as, call));
  return r.outcome.entity_id;
}

Status SeedItems(App& app, const Principal& crew, const Principal& hod, const std::string& yacht) {
  for (const DemoItem& item : kItems) {
    CELESTE_ASSIGN_OR_RETURN(std::string id, Execute(app, crew, yacht, "create_shopping_list_item",
                                                     {{"part_name", item.part_name},
                                                      {"quantity_requested", item.quantity},
                                                      {"source_type", "manual_add"},
                                                      {"urgency", item.urgency}}));
    std::string_view then = item.then;
    Result<std::string> r = id;
    if (then == "review") {
      r = Execute(app, hod, yacht, "review_shopping_list_item", {{"item_id", id}});
    } else if (then == "approve") {
      r = Execute(app, hod, yacht, "approve_shopping_list_item",
                  {{"item_id", id}, {"quantity_approved", item.quantity}});
    } else if (then == "reject") {
      r = Execute(app, hod, yacht, "reject_shopping_list_item",
                  {{"item_id", id}, {"rejection_reason", "Spare already in stock aft"}});
    }
    if (!r.ok()) return r.status();
  }
  return Status::OK();
}

Result<Principal> MustLoad(Directory& directory, const std::string& user_id) {
  CELESTE_ASSIGN_OR_RETURN(auto p, directory.LoadPrincipal(user_id));
  if (!p) return Status::Internal("demo user vanished");
  return std::move(*p);
}

}  // namespace

Result<DemoFleet> LoadDemoFleet(App& app, Store& store, const Clock& clock) {
  DemoFleet fleet;
  Directory& directory = app.directory();
  for (const std::string& flag : app.dispatcher().registry().AllFlags()) {
    auto state = app.flags().Find(flag);
    if (state && state->enabled && state->canary_percentage == 100) continue;
    FlagChange change{.flag = flag,
                      .enabled = true,
                      .canary_percentage = 100,
                      .actor_id = "cli:demo",
                      .actor_role = "operator",
                      .request_id = "demo"};
    CELESTE_ASSIGN_OR_RETURN(std::string audit_id,
                             ApplyFlagChange(store, app.flags(), change, clock));
    (void)audit_id;
  }
  for (const DemoYacht& y : kYachts) {
    CELESTE_ASSIGN_OR_RETURN(auto existing, directory.FindYachtByCode(y.code));
    const bool fresh = !existing;
    std::string yacht_id;
    if (existing) {
      yacht_id = *existing;
    } else {
      CELESTE_ASSIGN_OR_RETURN(yacht_id, directory.AddYacht(y.name, std::string(y.code)));
      fleet.created = true;
    }
    std::string crew_id, hod_id;
    for (Role role : kAllRoles) {
      NewUser user;
      user.email = fmt::format("{}@{}", RoleName(role), y.domain);
      user.password = kDemoPassword;
      user.pin = kDemoPin;
      user.name = fmt::format("{} ({})", RoleName(role), y.name);
      CELESTE_ASSIGN_OR_RETURN(std::string user_id, directory.AddUser(user, true));
      CELESTE_RETURN_IF_ERROR(directory.SetMembership(user_id, yacht_id, role));
      if (role == Role::kCrew) crew_id = user_id;
      if (role == Role::kChiefEngineer) hod_id = user_id;
      fleet.logins.push_back({y.name, yacht_id, std::string(RoleName(role)), user.email, user_id});
    }
    if (fresh) {
      app.flags().Invalidate();
      CELESTE_ASSIGN_OR_RETURN(Principal crew, MustLoad(directory, crew_id));
      CELESTE_ASSIGN_OR_RETURN(Principal hod, MustLoad(directory, hod_id));
      CELESTE_RETURN_IF_ERROR(SeedItems(app, crew, hod, yacht_id));
    }
  }
  return fleet;
}

std::string FormatDemoLogins(const DemoFleet& fleet) {
  std::string out =
      fmt::format("Demo logins (password \"{}\", PIN {}):\n", kDemoPassword, kDemoPin);
  out += fmt::format("  {:<30} {:<16} {}\n", "email", "role", "yacht");
  for (const auto& l : fleet.logins) {
    out += fmt::format("  {:<30} {:<16} {} ({})\n", l.email, l.role, l.yacht_name, l.yacht_id);
  }
  return out;
}

boost::json::object DemoAccountsJson(const DemoFleet& fleet) {
  boost::json::array accounts;
  for (const auto& l : fleet.logins) {
    accounts.push_back({{"email", l.email}, {"role", l.role}, {"yacht_name", l.yacht_name}});
  }
  return {{"demo", true},
          {"password", kDemoPassword},
          {"pin", kDemoPin},
          {"accounts", std::move(accounts)}};
}

}  // namespace celeste
