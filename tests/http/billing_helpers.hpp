#pragma once
// What issue 14's customer-trust tests share (items 5-7): paying through the billing forms as
// a browser would, choosing a time zone, and dates as the customer's zone writes them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "journey_helpers.hpp"

namespace tenure::http_test {

// Renew now: the Renew page's period, the terms ticked. 303 when paid.
HttpResponse RenewNow(Browser& b);
// Edit Instances -> add `count` now, prorated, the terms ticked. 303 when paid.
HttpResponse BuyInstances(Browser& b, int count);
// Saves a test card (the offline provider's); EXPECTs the 303.
void SaveCard(Browser& b, std::string_view number);
// Settings -> Time zone; EXPECTs the 303.
void ChooseTimeZone(Browser& b, std::string_view zone);
// "March 29, 2026" and "March 29, 2026 02:30 BST" for a Unix time in `zone`.
std::string ZonedDate(int64_t unix_seconds, std::string_view zone);
std::string ZonedDateTime(int64_t unix_seconds, std::string_view zone);
std::string ZonedTimeOfDay(int64_t unix_seconds, std::string_view zone);  // "02:30 BST"
// The path of every link on the page whose href starts with `prefix`.
std::vector<std::string> LinksStartingWith(std::string_view html, std::string_view prefix);

}  // namespace tenure::http_test
