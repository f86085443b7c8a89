// Registry: every lens and action, registered explicitly at start-up (lenses/lenses.h).
// Built once, then read-only: safe to share between threads after construction.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "actions/action.h"

namespace celeste {

class Registry {
 public:
  // Adding a duplicate id, or an action for an unregistered lens, is a programming
  // error: it aborts at start-up with a message.
  void AddLens(LensDef lens);
  void AddAction(ActionDef action);

  const ActionDef* FindAction(std::string_view id) const;
  const LensDef* FindLens(std::string_view id) const;
  const std::vector<std::unique_ptr<ActionDef>>& actions() const { return actions_; }
  const std::vector<LensDef>& lenses() const { return lenses_; }
  // Every flag any lens or action names, sorted, without duplicates.
  std::vector<std::string> AllFlags() const;

 private:
  std::vector<LensDef> lenses_;
  std::vector<std::unique_ptr<ActionDef>> actions_;  // stable addresses
};

}  // namespace celeste
