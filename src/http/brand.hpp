#pragma once
// The seller's brand as pages show it (issue 14 item 10): the product's name in every title
// and header, the seller's in the footer, a logo, and an accent colour turned into a small
// stylesheet of CSS variables that keeps every text readable (WCAG 2.2 AA, 4.5:1).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tenure::http {

struct Brand {
  std::string product_name = "Tenure";
  std::string seller_name;        // empty: the footer names no seller
  std::string seller_address;     // the terms give it; may span lines
  std::string logo;               // the image's bytes; empty: no logo
  std::string logo_content_type;  // image/png, image/svg+xml, image/jpeg or image/webp
  std::string accent_color;       // "#rrggbb"; empty: app.css's own colours, no brand.css
};

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

std::optional<Rgb> ParseHexColor(std::string_view text);  // "#rrggbb"
std::string HexColor(Rgb c);                              // "#rrggbb", lowercase
// WCAG 2.2's contrast ratio, from 1 (same) to 21 (black on white).
double ContrastRatio(Rgb a, Rgb b);

// Text and links in the accent: the accent itself when it reaches 4.5:1 on every one of
// `backgrounds`, else the accent mixed towards `toward` (black in light mode, white in dark)
// by the least step that does, so it stays recognisably the same hue.
Rgb ReadableAccentText(Rgb accent, std::span<const Rgb> backgrounds, Rgb toward);
// Text on a fill of `fill` (the current tab, primary buttons): white, or near-black, the one
// with more contrast; plain black when neither reaches 4.5:1 (a mid grey's corner case).
Rgb TextOnFill(Rgb fill);

// The backgrounds text may sit on, as app.css defines them (brand_test.cpp checks that).
std::span<const Rgb> LightBackgrounds();
std::span<const Rgb> DarkBackgrounds();

// brand.css: --accent-fill (the exact colour, for fills), --accent-fg (text on it) and
// --accent (text and links), for light and dark colour schemes.
std::string BrandCss(Rgb accent);

// "logo.png" and the like: the logo's asset name, by its type.
std::string LogoAssetName(std::string_view content_type);

}  // namespace tenure::http
