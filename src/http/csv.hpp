#pragma once
// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled, rows end
// in CRLF. Cells that a spreadsheet would run as a formula (=, +, -, @) get a leading '.
#include <string>
#include <string_view>
#include <vector>

namespace tenure::http {

std::string CsvField(std::string_view value);
std::string CsvRow(const std::vector<std::string>& fields);

}  // namespace tenure::http
