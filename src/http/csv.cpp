#include "http/csv.hpp"

namespace tenure::http {

std::string CsvField(std::string_view value) {
  std::string text;
  // OWASP "CSV injection": customers write the comments staff open in a spreadsheet.
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t' || value[0] == '\r'))
    text.push_back('\'');
  text.append(value);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) row.push_back(',');
    row += CsvField(fields[i]);
  }
  row += "\r\n";
  return row;
}

}  // namespace tenure::http
