#pragma once
// An audit row's before and after as people compare them (issue 14 item 2: "before/after as a
// diff"): the fields that changed, each with its old and new value; a row that created
// something shows its fields as new, one that deleted something as gone. Pure, tested in
// tests/http/audit_diff_test.cpp.
#include <string>
#include <string_view>
#include <vector>

namespace tenure::http::pages {

struct DiffLine {
  std::string field;   // "license.expires_at"; nested objects are flattened with dots
  std::string before;  // empty when the field is new
  std::string after;   // empty when the field is gone
  bool added = false;
  bool removed = false;
};

// `before` and `after` as the audit log stores them (JSON text, "null" when none). Text that is
// not JSON is compared as one value.
std::vector<DiffLine> AuditDiff(std::string_view before, std::string_view after);

}  // namespace tenure::http::pages
