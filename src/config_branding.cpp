// The seller's brand (issue 14 item 10): the product's name, a logo and an accent colour,
// shown on every page and named in every email. All checked at start (habit 15), so a bad
// logo or colour stops the server with a message instead of a broken page.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "config_fields.hpp"

namespace tenure::config_detail {
namespace {

bool HasControl(std::string_view v) {
  return std::ranges::any_of(v, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

Result<void> SetProductName(Config& c, const std::string& v) {
  static constexpr size_t kMax = 80;
  if (v.empty() || v.find_first_not_of(' ') == std::string::npos)
    return Invalid("seller.product_name", "expected the name of the program sold");
  // It goes into <title>, email signatures and the From header: one line of text.
  if (HasControl(v)) return Invalid("seller.product_name", "expected one line of text");
  if (v.size() > kMax)
    return Invalid("seller.product_name", fmt::format("expected at most {} characters", kMax));
  c.seller.product_name = v;
  return {};
}

Result<void> SetAccentColor(Config& c, const std::string& v) {
  const bool hex = v.size() == 7 && v[0] == '#' && std::all_of(v.begin() + 1, v.end(), [](char ch) {
                     return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
                   });
  if (!hex)
    return Invalid("seller.accent_color",
                   fmt::format("expected a colour as #rrggbb, such as #2f54c8, got '{}'", v));
  std::string lower = v;
  std::ranges::transform(lower, lower.begin(), [](char ch) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  });
  c.seller.accent_color = lower;
  return {};
}

// An SVG is text: after an optional byte order mark, white space, an XML declaration,
// comments or a doctype, its first element is <svg.
bool LooksLikeSvg(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  for (;;) {
    const size_t start = bytes.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return false;
    bytes.remove_prefix(start);
    if (bytes.starts_with("<svg") && bytes.size() > 4 &&
        (bytes[4] == ' ' || bytes[4] == '>' || bytes[4] == '\n' || bytes[4] == '\t' ||
         bytes[4] == '\r'))
      return true;
    std::string_view close;
    if (bytes.starts_with("<?"))
      close = "?>";
    else if (bytes.starts_with("<!--"))
      close = "-->";
    else if (bytes.starts_with("<!DOCTYPE") || bytes.starts_with("<!doctype"))
      close = ">";
    else
      return false;
    const size_t end = bytes.find(close);
    if (end == std::string_view::npos) return false;
    bytes.remove_prefix(end + close.size());
  }
}

// The type a browser will see, from the file's first bytes rather than its name, so a file
// that is not an image is refused here and never served as one.
std::string_view ImageType(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP")
    return "image/webp";
  if (LooksLikeSvg(bytes)) return "image/svg+xml";
  return {};
}

Result<void> SetLogoFile(Config& c, const std::string& path) {
  static constexpr char kKey[] = "seller.logo_file";
  if (path.empty()) {
    c.seller.logo_file.clear();
    c.seller.logo.clear();
    c.seller.logo_content_type.clear();
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(kKey, fmt::format("cannot read the file '{}'", path));
  // One byte past the limit is enough to know it is too big.
  std::string bytes(kMaxLogoBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > kMaxLogoBytes)
    return Invalid(kKey, fmt::format("'{}' is larger than {} KiB; a logo needs far less", path,
                                     kMaxLogoBytes >> 10));
  const std::string_view type = ImageType(bytes);
  if (type.empty())
    return Invalid(
        kKey, fmt::format("'{}' is not a PNG, SVG, JPEG or WebP image (by its first bytes)", path));
  c.seller.logo_file = path;
  c.seller.logo = std::move(bytes);
  c.seller.logo_content_type = type;
  return {};
}

}  // namespace

std::string FromProduct(const SellerConfig& seller) {
  static constexpr std::string_view kSpecials = "\"\\<>,;:@()[].";
  const std::string& name = seller.product_name;
  if (name.find_first_of(kSpecials) == std::string::npos)
    return fmt::format("{} <no-reply@localhost>", name);
  std::string quoted = "\"";
  for (char ch : name) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  return quoted + "\" <no-reply@localhost>";
}

std::vector<Field> WithBrandingFields(std::vector<Field> fields) {
  fields.push_back({"seller.product_name", "TENURE_SELLER_PRODUCT_NAME", SetProductName});
  fields.push_back({"seller.logo_file", "TENURE_SELLER_LOGO_FILE", SetLogoFile});
  fields.push_back({"seller.accent_color", "TENURE_SELLER_ACCENT_COLOR", SetAccentColor});
  return fields;
}

}  // namespace tenure::config_detail
