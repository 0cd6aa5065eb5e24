// The accent colour's arithmetic (issue 14 item 10): WCAG contrast, the text shade derived
// for links when the seller's colour is too light (or too dark, in dark mode), the text on
// fills, and that the backgrounds it is checked against are app.css's.
#include "http/brand.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/embedded.hpp"
#include "http/views.hpp"

namespace tenure::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};

double Worst(Rgb c, std::span<const Rgb> backgrounds) {
  double least = 21;
  for (Rgb bg : backgrounds) least = std::min(least, ContrastRatio(c, bg));
  return least;
}

TEST(Brand, ContrastRatioFollowsWcag) {
  EXPECT_DOUBLE_EQ(ContrastRatio(kBlack, kWhite), 21.0);
  EXPECT_DOUBLE_EQ(ContrastRatio(kWhite, kBlack), 21.0);
  EXPECT_DOUBLE_EQ(ContrastRatio(Rgb{47, 84, 200}, Rgb{47, 84, 200}), 1.0);
  // Known pairs (WebAIM's checker): #767676 on white is the classic 4.54:1.
  EXPECT_NEAR(ContrastRatio(Rgb{0x76, 0x76, 0x76}, kWhite), 4.54, 0.01);
  EXPECT_NEAR(ContrastRatio(Rgb{0x2f, 0x54, 0xc8}, kWhite), 6.52, 0.01);
}

TEST(Brand, HexColorsRoundTrip) {
  EXPECT_EQ(ParseHexColor("#2F54c8"), (Rgb{0x2f, 0x54, 0xc8}));
  EXPECT_EQ(HexColor(Rgb{0x2f, 0x54, 0xc8}), "#2f54c8");
  for (const char* bad : {"", "#fff", "2f54c8", "#2f54c", "#2f54c8a", "#2g54c8"})
    EXPECT_EQ(ParseHexColor(bad), std::nullopt) << bad;
}

TEST(Brand, AReadableAccentIsKept) {
  const Rgb tenure_blue{0x2f, 0x54, 0xc8};
  EXPECT_EQ(ReadableAccentText(tenure_blue, LightBackgrounds(), kBlack), tenure_blue);
  const Rgb tenure_dark_blue{0x93, 0xab, 0xff};
  EXPECT_EQ(ReadableAccentText(tenure_dark_blue, DarkBackgrounds(), kWhite), tenure_dark_blue);
}

TEST(Brand, APoorAccentGetsTheLeastShadeThatReads) {
  const Rgb amber{0xf5, 0xb8, 0x00};
  ASSERT_LT(Worst(amber, LightBackgrounds()), 4.5);
  const Rgb text = ReadableAccentText(amber, LightBackgrounds(), kBlack);
  EXPECT_GE(Worst(text, LightBackgrounds()), 4.5);
  // Darkened, not swapped for black: just past the line, and still amber (red over green
  // over blue, as in the original).
  EXPECT_LT(Worst(text, LightBackgrounds()), 4.5 + 0.25) << HexColor(text);
  EXPECT_GT(text.r, text.g);
  EXPECT_GT(text.g, text.b);

  const Rgb navy{0x1a, 0x23, 0x7e};
  ASSERT_LT(Worst(navy, DarkBackgrounds()), 4.5);
  const Rgb light = ReadableAccentText(navy, DarkBackgrounds(), kWhite);
  EXPECT_GE(Worst(light, DarkBackgrounds()), 4.5);
  EXPECT_LT(Worst(light, DarkBackgrounds()), 4.5 + 0.25) << HexColor(light);
  EXPECT_GT(light.b, light.r) << "still blue";
}

// Every colour a seller could choose (a grid over the cube, both corners included) gives
// readable text in both schemes and readable text on its fill.
TEST(Brand, EveryAccentReadsInBothSchemes) {
  int checked = 0;
  for (int r = 0; r <= 255; r += 15)
    for (int g = 0; g <= 255; g += 15)
      for (int b = 0; b <= 255; b += 15) {
        const Rgb accent{static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
        ASSERT_GE(Worst(ReadableAccentText(accent, LightBackgrounds(), kBlack), LightBackgrounds()),
                  4.5)
            << HexColor(accent);
        ASSERT_GE(Worst(ReadableAccentText(accent, DarkBackgrounds(), kWhite), DarkBackgrounds()),
                  4.5)
            << HexColor(accent);
        ASSERT_GE(ContrastRatio(TextOnFill(accent), accent), 4.5) << HexColor(accent);
        ++checked;
      }
  EXPECT_EQ(checked, 18 * 18 * 18);
}

TEST(Brand, TextOnFillPrefersWhiteOrTheThemesInk) {
  EXPECT_EQ(TextOnFill(Rgb{0x2f, 0x54, 0xc8}), kWhite);
  EXPECT_EQ(TextOnFill(Rgb{0xf5, 0xb8, 0x00}), (Rgb{0x0f, 0x14, 0x20}));
  // #7a7a7a: white and the ink are both 4.29:1; only black reaches 4.5:1 (4.89:1).
  EXPECT_EQ(TextOnFill(Rgb{0x7a, 0x7a, 0x7a}), kBlack);
}

// "#fff" -> "#ffffff", as app.css writes some.
std::string LongHex(std::string hex) {
  if (hex.size() == 4) hex = {'#', hex[1], hex[1], hex[2], hex[2], hex[3], hex[3]};
  return hex;
}

// brand.cpp checks text against the backgrounds app.css defines: a change there must not
// leave it checking against old ones.
TEST(Brand, BackgroundsAreAppCss) {
  std::string css;
  for (const auto& f : embedded::Static())
    if (f.path == "app.css") css = f.bytes;
  ASSERT_FALSE(css.empty());
  const size_t dark = css.find("@media (prefers-color-scheme: dark)");
  ASSERT_NE(dark, std::string::npos);
  const std::vector<std::string> names = {"--bg",       "--card",    "--hover",   "--info-bg",
                                          "--error-bg", "--code-bg", "--quote-bg"};
  auto value = [&](size_t from, const std::string& name) {
    std::smatch m;
    const std::string tail = css.substr(from);
    const std::regex re(name + R"(: (#[0-9a-fA-F]{3,6});)");
    return std::regex_search(tail, m, re) ? LongHex(m[1].str()) : std::string();
  };
  ASSERT_EQ(LightBackgrounds().size(), names.size());
  ASSERT_EQ(DarkBackgrounds().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(HexColor(LightBackgrounds()[i]), value(0, names[i])) << names[i];
    EXPECT_EQ(HexColor(DarkBackgrounds()[i]), value(dark, names[i])) << names[i] << " (dark)";
  }
}

TEST(Brand, StylesheetSetsFillsAndTextForBothSchemes) {
  const std::string css = BrandCss(Rgb{0xf5, 0xb8, 0x00});
  const size_t dark = css.find("@media (prefers-color-scheme: dark)");
  ASSERT_NE(dark, std::string::npos);
  EXPECT_THAT(css.substr(0, dark), HasSubstr("--accent-fill: #f5b800; --accent-fg: #0f1420;"));
  EXPECT_THAT(css.substr(dark), HasSubstr("--accent-fill: #f5b800; --accent-fg: #0f1420;"));
  EXPECT_THAT(css.substr(dark), HasSubstr("--accent: #f5b800;")) << "amber reads on dark";
  EXPECT_THAT(css.substr(0, dark), Not(HasSubstr("--accent: #f5b800;")));
}

TEST(Brand, ViewsServeTheBrandsAssetsOnlyWhenConfigured) {
  const Views plain;
  EXPECT_EQ(plain.FindAsset("brand.css"), nullptr);
  EXPECT_EQ(plain.FindAsset("logo.png"), nullptr);
  const Views branded(Brand{.product_name = "Acme Render",
                            .logo = "\x89PNG\r\n\x1a\n",
                            .logo_content_type = "image/png",
                            .accent_color = "#f5b800"});
  ASSERT_NE(branded.FindAsset("brand.css"), nullptr);
  EXPECT_EQ(branded.FindAsset("brand.css")->body, BrandCss(Rgb{0xf5, 0xb8, 0x00}));
  ASSERT_NE(branded.FindAsset("logo.png"), nullptr);
  EXPECT_EQ(branded.FindAsset("logo.png")->content_type, "image/png");
  const std::string page = branded.Page(
      "terms", {{"title", std::string("Terms & Conditions")}, {"terms_version", std::string("1")}});
  EXPECT_THAT(page, HasSubstr("<title>Terms &amp; Conditions · Acme Render</title>"));
  // (Mustache writes '/' in attributes as &#x2F;: the file's name and version suffice.)
  EXPECT_THAT(page, HasSubstr("logo.png?v=" + branded.FindAsset("logo.png")->hash));
  EXPECT_THAT(page, HasSubstr("brand.css?v=" + branded.FindAsset("brand.css")->hash));
}

}  // namespace
}  // namespace tenure::http
