#pragma once
// The browser and operating system a User-Agent header names, for people (Settings ->
// Sessions: "Firefox on Windows"). A label, never a security decision: any client can send
// any User-Agent. Pure.
#include <string>
#include <string_view>

namespace tenure::domain {

struct Device {
  std::string browser;  // "Firefox", "Chrome", "Edge", "Safari", "Opera"; "" when unknown
  std::string os;       // "Windows", "macOS", "Linux", "Android", "iOS"; "" when unknown
};

Device ParseUserAgent(std::string_view user_agent);

// "Firefox on Windows", "Chrome", "Unknown browser on Linux", "Unknown browser".
std::string DescribeDevice(const Device& device);

}  // namespace tenure::domain
