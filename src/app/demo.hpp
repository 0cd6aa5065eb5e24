#pragma once
// `tenure demo`: idempotent demo data (issue 2): a customer with an auto-renewing license and
// a saved test card on the offline provider, a support agent, an admin, and N more customers.
#include <string>
#include <vector>

#include "app/passwords.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"

namespace tenure::app {

struct DemoReport {
  std::vector<std::string> created;
  std::vector<std::string> updated;  // existing accounts whose password was set again
  int customers_created = 0;
};

class DemoSeeder {
 public:
  DemoSeeder(Store& store, const Clock& clock, const PasswordHasher& hasher)
      : store_(store), clock_(clock), hasher_(hasher) {}

  // `reset_passwords`: the three named demo accounts get `password` again if they exist
  // (when the operator chose it); generated customers keep theirs.
  DemoReport Seed(const std::string& password, bool reset_passwords, int extra_customers);

 private:
  Store& store_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
};

}  // namespace tenure::app
