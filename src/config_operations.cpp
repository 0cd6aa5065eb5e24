// The HTTP server's settings and issue 13's: what one client may hold open and repeat, the
// metrics' token and the logs' format.
#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>

#include "config_fields.hpp"

namespace tenure::config_detail {
namespace {

Setter LimitsInt(const char* key, int LimitsConfig::*member, int64_t min, int64_t max) {
  return IntSetter(key, min, max,
                   [=](Config& c, int64_t n) { c.limits.*member = static_cast<int>(n); });
}

Setter LimitsBytes(const char* key, uint64_t LimitsConfig::*member, int64_t min, int64_t max) {
  return IntSetter(key, min, max,
                   [=](Config& c, int64_t n) { c.limits.*member = static_cast<uint64_t>(n); });
}

// "127.0.0.1, ::1": addresses as the server sees its peers (no names, no networks).
Result<void> SetTrustedProxies(Config& c, const std::string& v) {
  std::vector<std::string> proxies;
  for (size_t start = 0; start < v.size();) {
    size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string entry = v.substr(start, end - start);
    std::erase(entry, ' ');
    start = end + 1;
    if (entry.empty()) continue;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(entry, ec);
    if (ec)
      return Invalid("http.trusted_proxies",
                     fmt::format("expected IP addresses separated by commas, got '{}'", entry));
    proxies.push_back(address.to_string());
  }
  c.limits.trusted_proxies = std::move(proxies);
  return {};
}

Result<void> SetMetricsToken(Config& c, const std::string& v) {
  // Prometheus sends it in a header: printable ASCII, and long enough not to be guessed.
  if (v.size() < 16 || v.find_first_of(" \t\r\n") != std::string::npos)
    return Invalid("metrics.token", "expected at least 16 characters without spaces");
  c.metrics_token = v;
  return {};
}

}  // namespace

std::vector<Field> WithOperationsFields(std::vector<Field> fields) {
  std::vector<Field> operations = {
      {"http.threads", "TENURE_HTTP_THREADS",
       IntField("http.threads", &Config::http_threads, 1, 64)},
      {"http.hash_threads", "TENURE_HASH_THREADS",
       IntField("http.hash_threads", &Config::hash_threads, 1, 16)},
      {"http.max_body_bytes", "TENURE_HTTP_MAX_BODY_BYTES",
       IntField("http.max_body_bytes", &Config::max_body_bytes, 1024, 64 << 20)},
      {"http.max_form_bytes", "TENURE_HTTP_MAX_FORM_BYTES",
       LimitsBytes("http.max_form_bytes", &LimitsConfig::max_form_bytes, 4096, 64 << 20)},
      {"http.max_connections", "TENURE_HTTP_MAX_CONNECTIONS",
       IntField("http.max_connections", &Config::max_connections, 1, 100000)},
      {"http.max_connections_per_address", "TENURE_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
       LimitsInt("http.max_connections_per_address", &LimitsConfig::max_connections_per_address, 1,
                 100000)},
      {"http.trusted_proxies", "TENURE_HTTP_TRUSTED_PROXIES", SetTrustedProxies},
      {"http.min_body_bytes_per_second", "TENURE_HTTP_MIN_BODY_BYTES_PER_SECOND",
       LimitsBytes("http.min_body_bytes_per_second", &LimitsConfig::min_body_bytes_per_second, 0,
                   1 << 30)},
      {"http.idle_timeout_seconds", "TENURE_HTTP_IDLE_TIMEOUT_SECONDS",
       IntField("http.idle_timeout_seconds", &Config::idle_timeout_seconds, 1, 3600)},
      {"http.request_timeout_seconds", "TENURE_HTTP_REQUEST_TIMEOUT_SECONDS",
       IntField("http.request_timeout_seconds", &Config::request_timeout_seconds, 1, 600)},
      {"http.max_target_bytes", "TENURE_HTTP_MAX_TARGET_BYTES",
       IntField("http.max_target_bytes", &Config::max_target_bytes, 256, 1 << 20)},
      {"http.max_header_bytes", "TENURE_HTTP_MAX_HEADER_BYTES",
       IntField("http.max_header_bytes", &Config::max_header_bytes, 1024, 1 << 20)},
      {"http.header_timeout_seconds", "TENURE_HTTP_HEADER_TIMEOUT_SECONDS",
       IntField("http.header_timeout_seconds", &Config::header_timeout_seconds, 1, 600)},
      {"rate_limits.writes_per_account", "TENURE_RATE_LIMIT_WRITES_PER_ACCOUNT",
       LimitsInt("rate_limits.writes_per_account", &LimitsConfig::writes_per_account, 1,
                 1'000'000)},
      {"rate_limits.writes_per_address", "TENURE_RATE_LIMIT_WRITES_PER_ADDRESS",
       LimitsInt("rate_limits.writes_per_address", &LimitsConfig::writes_per_address, 1,
                 1'000'000)},
      {"rate_limits.window_seconds", "TENURE_RATE_LIMIT_WINDOW_SECONDS",
       LimitsInt("rate_limits.window_seconds", &LimitsConfig::write_window_seconds, 1, 86400)},
      {"", "TENURE_METRICS_TOKEN", SetMetricsToken},
      {"metrics.token_file", "TENURE_METRICS_TOKEN_FILE",
       [](Config& c, const std::string& v) -> Result<void> {
         auto token = ReadSecretFile("metrics.token_file", v);
         if (!token) return std::unexpected(token.error());
         return SetMetricsToken(c, *token);
       }},
      {"log.format", "TENURE_LOG_FORMAT",
       [](Config& c, const std::string& v) -> Result<void> {
         if (v != "text" && v != "json")
           return Invalid("log.format", fmt::format("expected text or json, got '{}'", v));
         c.log_format = v;
         return {};
       }},
      {"log.jobs", "TENURE_LOG_JOBS",
       [](Config& c, const std::string& v) { return SetBool("log.jobs", c.log_jobs, v); }},
  };
  fields.insert(fields.end(), operations.begin(), operations.end());
  return fields;
}

}  // namespace tenure::config_detail
