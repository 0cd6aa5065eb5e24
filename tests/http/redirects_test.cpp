// The open-redirect guard (http/redirects.hpp): hostile `next` values fall back, same-site
// paths pass as they are.
#include "http/redirects.hpp"

#include <gtest/gtest.h>

namespace tenure::http {
namespace {

constexpr std::string_view kFallback = "/fallback";

TEST(LocalPathOr, KeepsPathsOnThisSite) {
  for (std::string_view next :
       {"/", "/home", "/settings", "/billing/renew", "/staff/feedback?reason=other&period=7d",
        "/help/renewal#grace", "/a/b/c.txt", "/x?next=https://evil.example/",
        "/%2F%2Fevil.example",  // a path segment named "//evil.example"; browsers keep %2F
        "/%09/evil.example", "/a b", "/caf\xc3\xa9", "/:colon", "/javascript:alert(1)"})
    EXPECT_EQ(LocalPathOr(next, kFallback), next) << next;
}

TEST(LocalPathOr, RefusesEverythingThatCouldLeaveTheSite) {
  struct Case {
    std::string_view next, why;
  };
  const Case cases[] = {
      // BUG (issue 8): LocalNext in http/pages/billing.cpp let a tab through; browsers strip it
      // and read "//evil.example", another host.
      {"/\t/evil.example", "tab, stripped by browsers"},
      {"/\n/evil.example", "line feed, stripped by browsers"},
      {"/\r/evil.example", "carriage return, stripped by browsers"},
      {"/home\r\nSet-Cookie: x=1", "line break: header injection"},
      {"\t//evil.example", "leading tab"},
      {std::string_view("/\0/evil.example", 16), "NUL"},
      {"/\x7f/evil.example", "DEL"},
      {"/\x1b[31m", "escape"},
      {"//evil.example", "scheme-relative URL"},
      {"//evil.example/home", "scheme-relative URL with a path"},
      {"///evil.example", "three slashes"},
      {"/\\evil.example", "backslash read as a slash"},
      {"\\\\evil.example", "two backslashes"},
      {"\\/evil.example", "backslash then slash"},
      {"/home\\..\\..", "a backslash anywhere"},
      {"https://evil.example/", "absolute URL"},
      {"http://evil.example", "absolute URL"},
      {"HTTPS://evil.example", "absolute URL, upper case"},
      {"javascript:alert(1)", "javascript: scheme"},
      {"data:text/html,<script>alert(1)</script>", "data: scheme"},
      {"%2F%2Fevil.example", "encoded slashes, not a path"},
      {"evil.example", "relative, not a path"},
      {"home", "relative, not a path"},
      {" /home", "leading space"},
      {"", "empty"},
      // Issue 10: every control character, and text that is not UTF-8.
      {"/home\xc2\x85", "NEL (U+0085), a C1 control"},
      {"/\xc2\x9b"
       "31m",
       "CSI (U+009B), a C1 control"},
      {"/home\xff", "a byte that is not UTF-8"},
      {"/\xc0\xaf", "an overlong '/'"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(LocalPathOr(c.next, kFallback), kFallback) << c.why;
    EXPECT_EQ(LocalPathOr(c.next, ""), "") << c.why;
  }
}

}  // namespace
}  // namespace tenure::http
