// The one way a form shows its errors (issue 14 item 8); see AddErrors in pages.hpp.
#include "http/pages/pages.hpp"

namespace tenure::http::pages {

void AddErrors(mstch::map& vars, const std::vector<Error>& errors, FormError form) {
  if (errors.empty()) return;
  mstch::array list;
  for (const Error& e : errors) {
    const std::string field =
        e.field.empty() || form.form.empty() ? e.field : std::string(form.form) + "-" + e.field;
    list.push_back(mstch::map{{"message", e.message}, {"target", field}});
    // The first message about a field is the one shown beside it.
    if (!field.empty()) vars.emplace("error_" + field, e.message);
  }
  vars["errors"] = std::move(list);
  vars["error"] = errors.front().message;
  vars["error_title"] = std::string(form.title);
}

}  // namespace tenure::http::pages
