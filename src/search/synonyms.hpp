#pragma once
// The product's vocabulary: words customers use for the same thing ("money back" is a refund).
// Each group lists expressions of one or more words; a question that uses any of them is
// searched with all of them (Xapian OP_SYNONYM), so a page written in our words still matches.
#include <string_view>
#include <vector>

namespace tenure::search {

const std::vector<std::vector<std::string_view>>& SynonymGroups();

}  // namespace tenure::search
