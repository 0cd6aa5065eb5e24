#include "billing_helpers.hpp"

#include <gtest/gtest.h>

#include "core/time_zone.hpp"

namespace tenure::http_test {

HttpResponse RenewNow(Browser& b) {
  const HttpResponse form = b.Get("/billing/renew");
  EXPECT_EQ(form.status, 200) << ::testing::PrintToString(form);
  const auto period = FindInput(form.body, "period");
  EXPECT_TRUE(period.has_value()) << "the Renew page carries the period it quotes";
  return b.Post("/billing/renew", {{"csrf", CsrfField(form.body)},
                                   {"period", period ? period->Get("value") : std::string()},
                                   {"terms", "yes"}});
}

HttpResponse BuyInstances(Browser& b, int count) {
  const HttpResponse form = b.Get("/billing/instances");
  EXPECT_EQ(form.status, 200) << ::testing::PrintToString(form);
  const auto token = FindInput(form.body, "token");
  EXPECT_TRUE(token.has_value()) << "Edit Instances carries its request token";
  return b.Post("/billing/instances", {{"csrf", CsrfField(form.body)},
                                       {"count", std::to_string(count)},
                                       {"token", token ? token->Get("value") : std::string()},
                                       {"terms", "yes"}});
}

void SaveCard(Browser& b, std::string_view number) {
  const HttpResponse form = b.Get("/billing/card");
  const HttpResponse saved = b.Post("/billing/card", {{"csrf", CsrfField(form.body)},
                                                      {"number", std::string(number)},
                                                      {"exp", "12 / 40"},
                                                      {"cvc", "123"}});
  EXPECT_EQ(saved.status, 303) << ::testing::PrintToString(saved);
}

void ChooseTimeZone(Browser& b, std::string_view zone) {
  const HttpResponse settings = b.Get("/settings");
  const HttpResponse saved = b.Post("/settings/time-zone", {{"csrf", CsrfField(settings.body)},
                                                            {"time_zone", std::string(zone)}});
  EXPECT_EQ(saved.status, 303) << zone << ": " << ::testing::PrintToString(saved);
}

std::string ZonedDate(int64_t unix_seconds, std::string_view zone) {
  return FormatLongDate(FromUnix(unix_seconds), TimeZone::Find(zone).value());
}

std::string ZonedDateTime(int64_t unix_seconds, std::string_view zone) {
  return FormatDateTime(FromUnix(unix_seconds), TimeZone::Find(zone).value());
}

std::string ZonedTimeOfDay(int64_t unix_seconds, std::string_view zone) {
  return FormatTimeOfDay(FromUnix(unix_seconds), TimeZone::Find(zone).value());
}

std::vector<std::string> LinksStartingWith(std::string_view html, std::string_view prefix) {
  std::vector<std::string> out;
  for (const Link& link : Links(html))
    if (link.href.starts_with(prefix)) out.push_back(link.href);
  return out;
}

}  // namespace tenure::http_test
