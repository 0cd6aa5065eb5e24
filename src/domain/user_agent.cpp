#include "domain/user_agent.hpp"

#include <initializer_list>

namespace tenure::domain {
namespace {

bool HasAny(std::string_view text, std::initializer_list<std::string_view> tokens) {
  for (std::string_view token : tokens)
    if (text.find(token) != std::string_view::npos) return true;
  return false;
}

// Mobile systems first: iOS says "like Mac OS X", Android says "Linux".
std::string OsOf(std::string_view ua) {
  if (HasAny(ua, {"iPhone", "iPad", "iPod"})) return "iOS";
  if (HasAny(ua, {"Android"})) return "Android";
  if (HasAny(ua, {"Windows"})) return "Windows";
  if (HasAny(ua, {"Macintosh", "Mac OS X"})) return "macOS";
  if (HasAny(ua, {"Linux"})) return "Linux";
  return "";
}

// Browsers built on Chrome name Chrome (and Safari) as well, and Chrome names Safari: the
// most specific token first. Each browser's iOS version has its own token.
std::string BrowserOf(std::string_view ua, std::string_view os) {
  if (HasAny(ua, {"Edg/", "EdgA/", "EdgiOS/", "Edge/"})) return "Edge";
  if (HasAny(ua, {"OPR/", "OPT/", "OPiOS/", "Opera"})) return "Opera";
  if (HasAny(ua, {"Firefox/", "FxiOS/"})) return "Firefox";
  if (HasAny(ua, {"Chrome/", "CriOS/", "Chromium/"})) return "Chrome";
  // Safari only on Apple's systems: Android's old built-in browser also says "Safari/".
  if (HasAny(ua, {"Safari/"}) && (os == "macOS" || os == "iOS")) return "Safari";
  return "";
}

}  // namespace

Device ParseUserAgent(std::string_view user_agent) {
  Device device{.os = OsOf(user_agent)};
  device.browser = BrowserOf(user_agent, device.os);
  return device;
}

std::string DescribeDevice(const Device& device) {
  std::string text = device.browser.empty() ? "Unknown browser" : device.browser;
  if (!device.os.empty()) text += " on " + device.os;
  return text;
}

}  // namespace tenure::domain
