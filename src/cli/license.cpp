// `tenure license show EMAIL` / `tenure license list`: one JSON object per license, its
// status at the context's clock.
#include <nlohmann/json.hpp>

#include <iostream>
#include <ranges>

#include "app/store/charges.hpp"
#include "app/store/licenses.hpp"
#include "app/store/users.hpp"
#include "cli/cli.hpp"
#include "domain/account.hpp"

namespace tenure::cli {
namespace {

nlohmann::json LicenseJson(const domain::User& user, const domain::License& license,
                           const std::vector<app::Charge>& charges, Instant now,
                           const domain::LicensePolicy& policy) {
  nlohmann::json list = nlohmann::json::array();
  for (const app::Charge& charge : std::views::reverse(charges))
    list.push_back({{"amount_cents", charge.amount.cents()},
                    {"period_start",
                     charge.period_key ? nlohmann::json(FormatRfc3339(FromUnix(charge.period_key)))
                                       : nlohmann::json(nullptr)},
                    {"status", domain::ChargeStatusName(charge.status)},
                    {"kind", domain::ChargeKindName(charge.kind)},
                    {"attempt", charge.attempt},
                    {"created_at", FormatRfc3339(charge.created_at)}});
  return {{"email", user.email},
          {"expires_at", license.expires_at ? nlohmann::json(FormatRfc3339(*license.expires_at))
                                            : nlohmann::json(nullptr)},
          {"auto_renew", license.auto_renew},
          {"auto_renew_off_reason", domain::AutoRenewOffReasonName(license.auto_renew_off_reason)},
          {"status", domain::StatusName(domain::StatusAt(license, now, policy.grace))},
          {"instances", license.instances},
          {"charges", list}};
}

}  // namespace

int License(const Context& ctx, const std::vector<std::string>& pos) {
  const domain::LicensePolicy& policy = ctx.config.license;
  auto read = ctx.store.Read();
  if (pos.size() == 3 && pos[1] == "show") {
    auto email = domain::NormalizeEmail(pos[2]);
    auto user = email ? read->users().FindByEmail(*email) : std::nullopt;
    auto license = user ? read->licenses().FindByUser(user->id) : std::nullopt;
    if (!license) {
      std::cerr << "tenure: no license for " << pos[2] << "\n";
      return 1;
    }
    std::cout << LicenseJson(*user, *license, read->charges().ForUser(user->id, 1000),
                             ctx.clock.Now(), policy)
              << "\n";
    return 0;
  }
  if (pos.size() == 2 && pos[1] == "list") {
    constexpr int kPage = 1000;
    for (int offset = 0;; offset += kPage) {
      auto page = read->licenses().All(kPage, offset);
      for (const auto& license : page) {
        auto user = read->users().Find(license.user_id);
        if (user)
          std::cout << LicenseJson(*user, license, read->charges().ForUser(user->id, 1000),
                                   ctx.clock.Now(), policy)
                    << "\n";
      }
      if (static_cast<int>(page.size()) < kPage) break;
    }
    return 0;
  }
  std::cerr << "tenure: usage: tenure license show EMAIL | tenure license list\n";
  return 2;
}

}  // namespace tenure::cli
