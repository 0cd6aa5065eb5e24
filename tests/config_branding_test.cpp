// The brand's settings (issue 14 item 10): product name, logo file and accent colour are
// checked at start, with a message naming the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "config.hpp"
#include "support/temp_dir.hpp"

namespace tenure {
namespace {

using ::testing::HasSubstr;

constexpr char kPng[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
constexpr char kSvg[] =
    "<?xml version=\"1.0\"?>\n<!-- a comment -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
    "viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n";

std::string Write(const testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir.File(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

Result<Config> WithSeller(const std::string& key, const std::string& value) {
  return LoadConfig("[seller]\n" + key + " = \"" + value + "\"\n", {});
}

TEST(ConfigBranding, DefaultsLeaveAnUnbrandedInstallAsItWas) {
  auto c = LoadConfig("", {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->seller.product_name, "Tenure");
  EXPECT_TRUE(c->seller.logo.empty());
  EXPECT_TRUE(c->seller.accent_color.empty());
  EXPECT_EQ(c->smtp.from, "Tenure <no-reply@localhost>");
}

TEST(ConfigBranding, ProductNameBecomesTheDefaultSenderOnly) {
  auto c = WithSeller("product_name", "Acme Render");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->seller.product_name, "Acme Render");
  EXPECT_EQ(c->smtp.from, "Acme Render <no-reply@localhost>");
  // A name with characters special in an address header is quoted.
  EXPECT_EQ(WithSeller("product_name", "Acme, \\\"Pro\\\"")->smtp.from,
            "\"Acme, \\\"Pro\\\"\" <no-reply@localhost>");
  // An explicit smtp.from is the operator's choice and stays.
  auto explicit_from = LoadConfig(
      "[seller]\nproduct_name = \"Acme Render\"\n[smtp]\nfrom = \"Sales <sales@example.com>\"\n",
      {});
  ASSERT_TRUE(explicit_from) << explicit_from.error().message;
  EXPECT_EQ(explicit_from->smtp.from, "Sales <sales@example.com>");
}

TEST(ConfigBranding, ProductNameMustBeOneShortLine) {
  for (const std::string& bad : {std::string(), std::string("   "), std::string(81, 'x')}) {
    auto c = WithSeller("product_name", bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_THAT(c.error().message, HasSubstr("seller.product_name"));
  }
  auto line_break = LoadConfig("", {{"TENURE_SELLER_PRODUCT_NAME", "Acme\r\nBcc: x@y"}});
  ASSERT_FALSE(line_break);
  EXPECT_THAT(line_break.error().message, HasSubstr("one line"));
}

TEST(ConfigBranding, AccentColorIsHashAndSixHexDigits) {
  auto c = WithSeller("accent_color", "#D81B60");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->seller.accent_color, "#d81b60");
  for (const char* bad : {"red", "#fff", "d81b60", "#d81b6", "#d81b600", "#g81b60", ""}) {
    auto r = WithSeller("accent_color", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("seller.accent_color"));
    EXPECT_THAT(r.error().message, HasSubstr("#rrggbb"));
  }
}

TEST(ConfigBranding, LogoTypeComesFromItsBytes) {
  testing::TempDir dir;
  struct Case {
    std::string name, bytes, type;
  };
  for (const Case& k : {Case{"a.png", std::string(kPng, sizeof kPng - 1), "image/png"},
                        Case{"b.svg", kSvg, "image/svg+xml"},
                        Case{"c.jpg", "\xFF\xD8\xFF\xE0\0\x10JFIF", "image/jpeg"},
                        Case{"d.webp", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp"},
                        // The name does not decide: a PNG called .svg is a PNG.
                        Case{"e.svg", std::string(kPng, sizeof kPng - 1), "image/png"}}) {
    auto c = LoadConfig("", {{"TENURE_SELLER_LOGO_FILE", Write(dir, k.name, k.bytes)}});
    ASSERT_TRUE(c) << k.name << ": " << c.error().message;
    EXPECT_EQ(c->seller.logo_content_type, k.type) << k.name;
    EXPECT_EQ(c->seller.logo, k.bytes) << k.name;
  }
}

TEST(ConfigBranding, LogoMissingNotAnImageOrTooBigStopsTheStart) {
  testing::TempDir dir;
  auto missing = WithSeller("logo_file", dir.File("nowhere.png"));
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("seller.logo_file"));
  EXPECT_THAT(missing.error().message, HasSubstr("cannot read"));

  for (const std::string not_image :
       {"GIF89a....", "<html><svg></svg></html>", "<svgfoo/>", "#!/bin/sh\n", ""}) {
    auto c = WithSeller("logo_file", Write(dir, "x.png", not_image));
    ASSERT_FALSE(c) << not_image;
    EXPECT_THAT(c.error().message, HasSubstr("not a PNG, SVG, JPEG or WebP"));
  }

  const std::string limit(std::string(kPng, sizeof kPng - 1) + std::string(256 * 1024 - 16, 'x'));
  ASSERT_EQ(limit.size(), 256u * 1024);
  EXPECT_TRUE(WithSeller("logo_file", Write(dir, "max.png", limit))) << "256 KiB is allowed";
  auto big = WithSeller("logo_file", Write(dir, "big.png", limit + "x"));
  ASSERT_FALSE(big);
  EXPECT_THAT(big.error().message, HasSubstr("larger than 256 KiB"));
}

}  // namespace
}  // namespace tenure
