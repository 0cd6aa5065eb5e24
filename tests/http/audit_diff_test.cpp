// An audit row's before and after as a diff (http/pages/staff/audit_diff.hpp).
#include "http/pages/staff/audit_diff.hpp"

#include <gtest/gtest.h>

namespace tenure::http::pages {
namespace {

TEST(AuditDiffTest, ChangedFieldsWithOldAndNewValues) {
  const auto diff = AuditDiff(R"({"auto_renew":true,"expires_at":"2026-12-01","instances":1})",
                              R"({"auto_renew":false,"expires_at":"2026-12-01","instances":1})");
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0].field, "auto_renew");
  EXPECT_EQ(diff[0].before, "true");
  EXPECT_EQ(diff[0].after, "false");
  EXPECT_FALSE(diff[0].added || diff[0].removed);
}

TEST(AuditDiffTest, CreatedAndDeletedAndNestedFields) {
  const auto created = AuditDiff("null", R"({"email":"a@b.c","role":"customer"})");
  ASSERT_EQ(created.size(), 2u);
  EXPECT_TRUE(created[0].added);
  EXPECT_EQ(created[0].after, "a@b.c") << "text without quotes";
  const auto deleted = AuditDiff(R"({"session":"ab12"})", "null");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_TRUE(deleted[0].removed);
  EXPECT_EQ(deleted[0].before, "ab12");
  const auto nested = AuditDiff(R"({"a":{"b":1,"c":[1,2]}})", R"({"a":{"b":2,"c":[1,2]}})");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].field, "a.b");
  EXPECT_EQ(AuditDiff("not json", "not json either")[0].after, "not json either");
}

TEST(AuditDiffTest, ARecordNestedUnderAKeyIsComparedWithTheRecord) {
  // license.grant_days: before is the license, after is {license, days, reason}.
  const auto diff =
      AuditDiff(R"({"expires_at":"2026-12-01","auto_renew":true,"instances":1})",
                R"({"license":{"expires_at":"2026-12-06","auto_renew":true,"instances":1},)"
                R"("days":5,"reason":"Goodwill"})");
  ASSERT_EQ(diff.size(), 3u);
  EXPECT_EQ(diff[0].field, "days");
  EXPECT_TRUE(diff[0].added);
  EXPECT_EQ(diff[1].field, "license.expires_at");
  EXPECT_EQ(diff[1].before, "2026-12-01");
  EXPECT_EQ(diff[1].after, "2026-12-06");
  EXPECT_EQ(diff[2].field, "reason");
}

}  // namespace
}  // namespace tenure::http::pages
