#include "http/brand.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace tenure::http {
namespace {

// WCAG 2.2 AA for normal text: links and the text on buttons are normal text.
constexpr double kMinContrast = 4.5;
constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kNearBlack{0x0f, 0x14, 0x20};  // app.css's dark --bg: the same ink as the theme

double Channel(uint8_t v) {
  const double s = v / 255.0;
  return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

double Luminance(Rgb c) {
  return 0.2126 * Channel(c.r) + 0.7152 * Channel(c.g) + 0.0722 * Channel(c.b);
}

uint8_t Mix(uint8_t from, uint8_t to, double t) {
  return static_cast<uint8_t>(std::lround(from + (to - from) * t));
}

double MinContrast(Rgb c, std::span<const Rgb> backgrounds) {
  double least = 21;
  for (Rgb bg : backgrounds) least = std::min(least, ContrastRatio(c, bg));
  return least;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// app.css's --bg, --card, --hover, --info-bg, --error-bg, --code-bg and --quote-bg: where a
// link or an accent-coloured word can appear.
constexpr std::array<Rgb, 7> kLight = {{{0xf6, 0xf7, 0xf9},
                                        {0xff, 0xff, 0xff},
                                        {0xe9, 0xec, 0xf2},
                                        {0xee, 0xf3, 0xff},
                                        {0xfe, 0xf3, 0xf2},
                                        {0xf0, 0xf2, 0xf6},
                                        {0xf5, 0xf7, 0xfd}}};
constexpr std::array<Rgb, 7> kDark = {{{0x0f, 0x14, 0x20},
                                       {0x17, 0x1d, 0x2a},
                                       {0x22, 0x2a, 0x3a},
                                       {0x1b, 0x26, 0x43},
                                       {0x3a, 0x1c, 0x1c},
                                       {0x22, 0x2a, 0x3a},
                                       {0x1b, 0x22, 0x30}}};

}  // namespace

std::optional<Rgb> ParseHexColor(std::string_view text) {
  if (text.size() != 7 || text[0] != '#') return std::nullopt;
  std::array<int, 3> v{};
  for (size_t i = 0; i < 3; ++i) {
    const int hi = HexDigit(text[1 + 2 * i]);
    const int lo = HexDigit(text[2 + 2 * i]);
    if (hi < 0 || lo < 0) return std::nullopt;
    v[i] = hi * 16 + lo;
  }
  return Rgb{static_cast<uint8_t>(v[0]), static_cast<uint8_t>(v[1]), static_cast<uint8_t>(v[2])};
}

std::string HexColor(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

double ContrastRatio(Rgb a, Rgb b) {
  const double la = Luminance(a);
  const double lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Rgb ReadableAccentText(Rgb accent, std::span<const Rgb> backgrounds, Rgb toward) {
  // Percent steps: the first that passes changes the colour least. At 100 % it is `toward`
  // itself, which passes on the theme's backgrounds (black on light ones, white on dark ones).
  for (int step = 0; step <= 100; ++step) {
    const double t = step / 100.0;
    const Rgb c{Mix(accent.r, toward.r, t), Mix(accent.g, toward.g, t), Mix(accent.b, toward.b, t)};
    if (MinContrast(c, backgrounds) >= kMinContrast) return c;
  }
  return toward;
}

Rgb TextOnFill(Rgb fill) {
  const double white = ContrastRatio(fill, kWhite);
  const double near_black = ContrastRatio(fill, kNearBlack);
  const Rgb best = white >= near_black ? kWhite : kNearBlack;
  if (std::max(white, near_black) >= kMinContrast) return best;
  // When white falls short the fill is light enough that pure black passes (over 4.6:1).
  return kBlack;
}

std::span<const Rgb> LightBackgrounds() { return kLight; }
std::span<const Rgb> DarkBackgrounds() { return kDark; }

std::string BrandCss(Rgb accent) {
  const std::string fill = HexColor(accent);
  const std::string on_fill = HexColor(TextOnFill(accent));
  return fmt::format(
      "/* The seller's accent colour (config seller.accent_color {0}), written at start: the\n"
      "   exact colour fills, and text and links take the nearest shade that reads at 4.5:1. */\n"
      ":root {{ --accent-fill: {0}; --accent-fg: {1}; --accent: {2}; }}\n"
      "@media (prefers-color-scheme: dark) {{\n"
      "  :root {{ --accent-fill: {0}; --accent-fg: {1}; --accent: {3}; }}\n"
      "}}\n",
      fill, on_fill, HexColor(ReadableAccentText(accent, kLight, kBlack)),
      HexColor(ReadableAccentText(accent, kDark, kWhite)));
}

std::string LogoAssetName(std::string_view content_type) {
  if (content_type == "image/png") return "logo.png";
  if (content_type == "image/svg+xml") return "logo.svg";
  if (content_type == "image/jpeg") return "logo.jpg";
  if (content_type == "image/webp") return "logo.webp";
  throw std::invalid_argument("not a logo's type: " + std::string(content_type));
}

}  // namespace tenure::http
