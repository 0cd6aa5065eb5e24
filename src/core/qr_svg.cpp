#include "core/qr_svg.hpp"

#include <qrencode.h>

#include <cerrno>
#include <climits>
#include <memory>
#include <stdexcept>
#include <string>

namespace tenure {
namespace {

constexpr int kQuietZoneModules = 4;
constexpr int kMinDisplayPixels = 200;

struct QrCodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

void AppendXmlEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

}  // namespace

std::string QrCodeSvg(std::string_view text, std::string_view label) {
  if (text.empty()) throw std::length_error("QR code text is empty");
  if (text.size() > static_cast<size_t>(INT_MAX)) throw std::length_error("QR code text too long");
  errno = 0;
  const std::unique_ptr<QRcode, QrCodeFree> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (code == nullptr) {
    if (errno == ERANGE) throw std::length_error("text too long for a QR code");
    throw std::runtime_error("libqrencode failed to encode");
  }
  const int width = code->width;
  const int size = width + 2 * kQuietZoneModules;
  const int pixels_per_module = (kMinDisplayPixels + size - 1) / size;
  const std::string side = std::to_string(size);
  const std::string pixels = std::to_string(size * pixels_per_module);

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + pixels + "\" height=\"" +
                    pixels + "\" viewBox=\"0 0 " + side + ' ' + side +
                    "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"";
  AppendXmlEscaped(svg, label);
  // White behind the code, quiet zone included: a dark page around it must not read as modules.
  svg += "\"><rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#fff\"/><path d=\"";
  // Each horizontal run of dark modules is one rectangle: M x y, run across, one down, back.
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = code->data + static_cast<ptrdiff_t>(y) * width;
    for (int x = 0; x < width;) {
      if ((row[x] & 1) == 0) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < width && (row[x] & 1) != 0) ++x;
      svg += 'M' + std::to_string(start + kQuietZoneModules) + ' ' +
             std::to_string(y + kQuietZoneModules) + 'h' + std::to_string(x - start) + "v1h-" +
             std::to_string(x - start) + 'z';
    }
  }
  svg += "\" fill=\"#000\"/></svg>";
  return svg;
}

}  // namespace tenure
