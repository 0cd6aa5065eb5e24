#pragma once
// A QR code as inline SVG (issue 10: the two-factor key's otpauth:// URI, rendered on the
// server so the page needs no script and the key never leaves it for a third party).
#include <string>
#include <string_view>

namespace tenure {

// One <svg> element: `text` as 8-bit data at error correction level M, in the smallest
// version that holds it, drawn as one <path> of the dark modules on a white square with the
// 4-module quiet zone ISO/IEC 18004 asks for. The viewBox is in modules; width and height
// are at least 200 px, a whole number of pixels per module so every module draws the same
// size. role="img" and aria-label="`label`" (escaped) name it for screen readers and axe.
// Text a QR code cannot hold (empty, or over version 40's 2331 bytes at level M) throws
// std::length_error: the key URIs we draw are far shorter, so that is a bug.
std::string QrCodeSvg(std::string_view text, std::string_view label);

}  // namespace tenure
