// The staff area: accounts with their license; admins also read the audit log.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "http/pages/pages.hpp"

namespace tenure::http::pages {

Response Staff(Context& ctx) {
  constexpr int kPageSize = 50;
  int page = 1;
  const auto query = ParseForm(ctx.req.query);
  if (auto it = query.find("page"); it != query.end()) {
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), page);
    page = std::clamp(page, 1, 1'000'000);
  }
  auto accounts = ctx.svc.staff.Accounts(ctx.User(), kPageSize + 1, (page - 1) * kPageSize);
  if (!accounts)
    return ErrorPage(ctx, HttpStatus(accounts.error().code), "Staff only",
                     accounts.error().message);
  mstch::array rows;
  const bool more = static_cast<int>(accounts->size()) > kPageSize;
  if (more) accounts->pop_back();
  for (const auto& row : *accounts) {
    rows.push_back(mstch::map{
        {"email", row.user.email},
        {"role", std::string(domain::RoleName(row.user.role))},
        {"status", std::string(domain::StatusName(row.status))},
        {"expires", row.license && row.license->expires_at ? FormatRfc3339(*row.license->expires_at)
                                                           : std::string("—")},
        {"auto_renew", std::string(row.license && row.license->auto_renew ? "on" : "off")}});
  }
  mstch::map vars{
      {"accounts", rows}, {"page", page}, {"is_admin", ctx.User().role == domain::Role::kAdmin}};
  if (more) vars["next_page"] = page + 1;
  if (auto audit = ctx.svc.staff.RecentAudit(ctx.User(), 50)) {
    mstch::array entries;
    for (const auto& e : *audit)
      entries.push_back(mstch::map{{"at", FormatRfc3339(e.at)},
                                   {"actor", e.actor},
                                   {"action", e.action},
                                   {"subject", e.subject},
                                   {"before", e.before},
                                   {"after", e.after},
                                   {"request_id", e.request_id}});
    vars["audit"] = entries;
  }
  return RenderPage(ctx, "staff", "Staff", "staff", std::move(vars));
}

}  // namespace tenure::http::pages
