#include "core/qr_svg.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace tenure {
namespace {

// The side of the viewBox in modules: "viewBox="0 0 29 29"" gives 29.
int ViewBoxSide(const std::string& svg) {
  std::smatch m;
  if (!std::regex_search(svg, m, std::regex(R"re(viewBox="0 0 (\d+) (\d+)")re")) || m[1] != m[2]) {
    return -1;
  }
  return std::stoi(m[1]);
}

// The dark modules the path draws, as (x, y) in viewBox units.
std::set<std::pair<int, int>> DarkModules(const std::string& svg) {
  std::set<std::pair<int, int>> dark;
  const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), run), end; it != end; ++it) {
    const int x = std::stoi((*it)[1]);
    const int y = std::stoi((*it)[2]);
    EXPECT_EQ((*it)[3], (*it)[4]);
    for (int i = 0; i < std::stoi((*it)[3]); ++i) dark.emplace(x + i, y);
  }
  return dark;
}

// A finder pattern (ISO/IEC 18004: 7x7 dark ring, light ring, 3x3 dark core) at (left, top).
bool HasFinderAt(const std::set<std::pair<int, int>>& dark, int left, int top) {
  for (int dy = 0; dy < 7; ++dy) {
    for (int dx = 0; dx < 7; ++dx) {
      const bool ring = dx == 0 || dx == 6 || dy == 0 || dy == 6;
      const bool core = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
      if (dark.contains({left + dx, top + dy}) != (ring || core)) return false;
    }
  }
  return true;
}

TEST(QrCodeSvg, ShortTextIsVersionOneWithQuietZoneAndAName) {
  const std::string svg = QrCodeSvg("hello", "QR code for hello");
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg;
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"QR code for hello\""), std::string::npos);
  EXPECT_NE(svg.find("shape-rendering=\"crispEdges\""), std::string::npos);
  EXPECT_EQ(ViewBoxSide(svg), 21 + 8);  // version 1 is 21 modules, plus 4 each side
  // 7 px a module: at least 200 px, and every module the same whole number of pixels.
  EXPECT_NE(svg.find("width=\"203\" height=\"203\""), std::string::npos);
  // One path for the dark modules, nothing drawn in the quiet zone.
  size_t paths = 0;
  for (size_t at = svg.find("<path"); at != std::string::npos; at = svg.find("<path", at + 1)) {
    ++paths;
  }
  EXPECT_EQ(paths, 1u);
  const auto dark = DarkModules(svg);
  ASSERT_FALSE(dark.empty());
  for (const auto& [x, y] : dark) {
    EXPECT_TRUE(x >= 4 && x < 25 && y >= 4 && y < 25) << x << "," << y;
  }
  EXPECT_TRUE(HasFinderAt(dark, 4, 4));
  EXPECT_TRUE(HasFinderAt(dark, 25 - 7, 4));
  EXPECT_TRUE(HasFinderAt(dark, 4, 25 - 7));
  // Runs are merged: the finder's top edge is one 7-module rectangle.
  EXPECT_NE(svg.find("M4 4h7v1h-7z"), std::string::npos);
}

TEST(QrCodeSvg, GrowsForAKeyUri) {
  const std::string uri =
      "otpauth://totp/Tenure%20Software:jane.doe@example.com?secret="
      "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=Tenure%20Software&algorithm=SHA1&digits=6"
      "&period=30";
  const std::string svg = QrCodeSvg(uri, "Two-factor key");
  const int side = ViewBoxSide(svg);
  EXPECT_GT(side, 21 + 8);
  EXPECT_EQ((side - 8 - 17) % 4, 0) << side;  // versions are 17 + 4v modules
  const auto dark = DarkModules(svg);
  EXPECT_TRUE(HasFinderAt(dark, 4, 4));
  EXPECT_TRUE(HasFinderAt(dark, side - 4 - 7, 4));
  EXPECT_TRUE(HasFinderAt(dark, 4, side - 4 - 7));
}

TEST(QrCodeSvg, EscapesTheLabel) {
  const std::string svg = QrCodeSvg("x", "Scan \"this\" <code> & 'go'");
  EXPECT_NE(svg.find("aria-label=\"Scan &quot;this&quot; &lt;code&gt; &amp; &#39;go&#39;\""),
            std::string::npos)
      << svg;
}

TEST(QrCodeSvg, RefusesTextAQrCodeCannotHold) {
  // Version 40 at level M holds 2331 bytes of 8-bit data.
  EXPECT_EQ(ViewBoxSide(QrCodeSvg(std::string(2331, 'a'), "full")), 177 + 8);
  EXPECT_THROW((void)QrCodeSvg(std::string(2332, 'a'), "too long"), std::length_error);
  EXPECT_THROW((void)QrCodeSvg("", "empty"), std::length_error);
}

}  // namespace
}  // namespace tenure
