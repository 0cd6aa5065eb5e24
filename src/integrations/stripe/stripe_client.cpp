#include "integrations/stripe/stripe_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "integrations/curl_handle.hpp"

namespace tenure::integrations {
namespace {

constexpr char kUserAgent[] = "Tenure (libcurl)";

// What one request brought back; the header fields we act on.
struct Exchange {
  std::string body;
  std::string request_id;
  std::string should_retry;  // Stripe-Should-Retry: "true" | "false" | ""
  std::string replayed;      // Idempotent-Replayed
  std::optional<long> retry_after_seconds;
};

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  static_cast<Exchange*>(user)->body.append(data, size * count);
  return size * count;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {  // a new response (after a 100 Continue): start over
    ex->request_id.clear();
    ex->should_retry.clear();
    ex->replayed.clear();
    ex->retry_after_seconds.reset();
    return line.size();
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  const std::string name = Lower(TrimSpace(line.substr(0, colon)));
  const std::string_view value = TrimSpace(line.substr(colon + 1));
  if (name == "request-id") {
    ex->request_id = value;
  } else if (name == "stripe-should-retry") {
    ex->should_retry = Lower(value);
  } else if (name == "idempotent-replayed") {
    ex->replayed = Lower(value);
  } else if (name == "retry-after") {
    long seconds = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && p == value.data() + value.size() && seconds >= 0)
      ex->retry_after_seconds = seconds;
  }
  return line.size();
}

std::string JsonString(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double RandomUnit() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

std::string FormEncode(const StripeParams& params) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [](std::string& out, std::string_view s) {
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  };
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    encode(out, key);
    out += '=';
    encode(out, value);
  }
  return out;
}

bool IsStripeId(std::string_view id) {
  return !id.empty() && id.size() <= 255 && std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

StripeApiError ParseStripeError(const StripeResponse& response) {
  StripeApiError e{.status = response.status, .request_id = response.request_id};
  const nlohmann::json* error = nullptr;
  if (response.body.is_object()) {
    auto it = response.body.find("error");
    if (it != response.body.end() && it->is_object()) error = &*it;
  }
  if (!error) return e;
  e.type = JsonString(*error, "type");
  e.code = JsonString(*error, "code");
  e.decline_code = JsonString(*error, "decline_code");
  e.message = JsonString(*error, "message");
  if (auto pi = error->find("payment_intent"); pi != error->end() && pi->is_object())
    e.payment_intent = *pi;
  return e;
}

StripeClient::StripeClient(StripeClientOptions options) : options_(std::move(options)) {
  InitCurlOnce();  // here, so that a failure shows at start-up
  if (options_.secret_key.empty()) throw std::invalid_argument("stripe: a secret key is required");
  if (!options_.api_base.starts_with("https://") && !options_.api_base.starts_with("http://"))
    throw std::invalid_argument("stripe: the API base must be an http(s) URL");
  while (options_.api_base.ends_with('/')) options_.api_base.pop_back();
  if (options_.max_retries < 0) options_.max_retries = 0;
  if (!options_.sleep)
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options_.jitter) options_.jitter = RandomUnit;
}

Result<StripeResponse> StripeClient::Post(std::string_view path, const StripeParams& params,
                                          std::string_view idempotency_key) {
  // STRIPE.md: every POST carries a key, one per logical operation. A POST without one is a
  // bug in the caller, not an outcome.
  if (idempotency_key.empty() || idempotency_key.size() > 255 ||
      std::ranges::any_of(idempotency_key, [](char c) { return c < 0x20 || c == 0x7f; }))
    throw std::invalid_argument(
        "stripe: a POST needs an idempotency key of 1 to 255 printable characters");
  return Send("POST", path, FormEncode(params), idempotency_key);
}

Result<StripeResponse> StripeClient::Get(std::string_view path, const StripeParams& query) {
  std::string full(path);
  if (!query.empty()) full += (full.find('?') == std::string::npos ? "?" : "&") + FormEncode(query);
  return Send("GET", full, {}, {});
}

std::chrono::milliseconds StripeClient::Backoff(int retry) const {
  // Exponential, capped, with "equal jitter": half the delay fixed, half random, so that
  // clients that failed together do not come back together.
  const int64_t initial = options_.initial_backoff.count();
  const int64_t cap = options_.max_backoff.count();
  int64_t base = initial;
  for (int i = 0; i < retry && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  const double unit = std::clamp(options_.jitter(), 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base) * (0.5 + unit / 2)));
}

Result<StripeResponse> StripeClient::Send(std::string_view method, std::string_view path,
                                          const std::string& body,
                                          std::string_view idempotency_key) {
  const std::string url = options_.api_base + std::string(path);
  CurlList headers;
  headers.Append("Authorization: Bearer " + options_.secret_key);
  headers.Append("Stripe-Version: " + options_.api_version);
  headers.Append("Accept: application/json");
  headers.Append("Expect:");  // no 100-continue round trip
  if (method == "POST") {
    headers.Append("Content-Type: application/x-www-form-urlencoded");
    headers.Append(fmt::format("Idempotency-Key: {}", idempotency_key));
  }

  Exchange ex;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  // Declared last, so cleaned up first: the handle may still use the buffers above.
  const CurlEasy curl = NewCurlEasy();
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &CollectHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer.data());
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  // No CURLOPT_VERBOSE: its trace would carry the Authorization header, i.e. the secret key.

  for (int attempt = 0;; ++attempt) {
    ex = Exchange{};
    error_buffer[0] = '\0';
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

    // STRIPE.md: retry on 429, 5xx and connection errors, unless Stripe says not to; never on
    // another 4xx (a 409 idempotency conflict included): the same request would fail again.
    bool retryable = rc != CURLE_OK;
    if (rc == CURLE_OK && (status == 429 || status >= 500)) retryable = ex.should_retry != "false";
    if (retryable && attempt < options_.max_retries) {
      auto wait = Backoff(attempt);
      if (ex.retry_after_seconds)
        wait = std::max(
            wait, std::min<std::chrono::milliseconds>(std::chrono::seconds(*ex.retry_after_seconds),
                                                      options_.max_backoff));
      options_.sleep(wait);
      continue;
    }
    if (rc != CURLE_OK) {
      const std::string detail = error_buffer[0] != '\0' ? std::string(error_buffer.data())
                                                         : std::string(curl_easy_strerror(rc));
      return Fail(ErrorCode::kUnavailable,
                  fmt::format("Stripe could not be reached ({} {} after {} attempts): {}", method,
                              path.substr(0, path.find('?')), attempt + 1, detail));
    }
    StripeResponse response{.status = status,
                            .body = nlohmann::json::parse(ex.body, nullptr, false),
                            .request_id = ex.request_id,
                            .idempotent_replayed = ex.replayed == "true",
                            .attempts = attempt + 1};
    if (response.body.is_discarded()) response.body = nullptr;
    return response;
  }
}

}  // namespace tenure::integrations
