// The TOML config file (config.hpp: LoadConfig), the one input an operator writes by hand.
// Properties: LoadConfig never throws, whatever the file (toml++'s parse errors, a number
// out of range, a table where a string belongs): it returns a config or an error that names
// a key or a line; a config it returns loads again from the same text.
#include <string>

#include "config.hpp"
#include "support/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(tenure::fuzz::AsText(data, size));
  // The *_file settings read the file they name: an endless one (/dev/zero, /dev/stdin) is no
  // bug in a file only the operator writes, so such paths (or escapes that could spell one)
  // are left out.
  for (const char* device : {"/dev", "/proc", "/sys", "\\u", "\\U"})
    if (text.find(device) != std::string::npos) return 0;
  try {
    auto config = tenure::LoadConfig(text, {});
    if (!config) {
      FUZZ_CHECK(config.error().code == tenure::ErrorCode::kInvalidInput);
      FUZZ_CHECK(!config.error().message.empty());
      return 0;
    }
    FUZZ_CHECK(tenure::LoadConfig(text, {}).has_value());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "LoadConfig threw: %s\n", e.what());
    FUZZ_CHECK(!"LoadConfig throws");
  }
  return 0;
}
