#include "integrations/discord/discord_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "integrations/curl_handle.hpp"

namespace tenure::integrations {
namespace {

constexpr char kUserAgent[] = "DiscordBot (https://github.com/tenure, 1) Tenure";

struct Exchange {
  std::string body;
  std::optional<double> retry_after;  // the Retry-After header, seconds
  std::optional<int64_t> remaining;   // X-RateLimit-Remaining: calls left in this bucket
  std::optional<double> reset_after;  // X-RateLimit-Reset-After: seconds until it refills
  bool global = false;                // X-RateLimit-Global / X-RateLimit-Scope: global
};

std::optional<double> NumberAfter(const std::string& line, size_t at) {
  try {
    return std::stod(line.substr(at));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  static_cast<Exchange*>(user)->body.append(data, size * count);
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string line(data, size * count);
  std::ranges::transform(line, line.begin(), [](unsigned char c) { return std::tolower(c); });
  if (line.starts_with("retry-after:")) ex->retry_after = NumberAfter(line, 12);
  if (line.starts_with("x-ratelimit-remaining:")) {
    if (auto n = NumberAfter(line, 22)) ex->remaining = static_cast<int64_t>(*n);
  }
  if (line.starts_with("x-ratelimit-reset-after:")) ex->reset_after = NumberAfter(line, 24);
  if (line.starts_with("x-ratelimit-global:") ||
      (line.starts_with("x-ratelimit-scope:") && line.find("global") != std::string::npos))
    ex->global = true;
  return size * count;
}

// The path part of a URL for messages: never the webhook's token.
std::string Describe(std::string_view method, std::string_view url) {
  std::string shown(url);
  if (const size_t at = shown.find("/webhooks/"); at != std::string::npos)
    shown = shown.substr(0, at) + "/webhooks/...";
  return fmt::format("{} {}", method, shown);
}

// "%XX" for a value that goes into a header (X-Audit-Log-Reason is URL-encoded).
std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

DiscordUser ParseDiscordUser(const nlohmann::json& user) {
  auto text = [&](const char* key) {
    const auto it = user.find(key);
    return it != user.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  return DiscordUser{.id = text("id"),
                     .username = text("username"),
                     .global_name = text("global_name"),
                     .avatar = text("avatar")};
}

DiscordClient::DiscordClient(DiscordClientOptions options) : options_(std::move(options)) {
  if (!options_.api_base.starts_with("https://") && !options_.api_base.starts_with("http://"))
    throw std::invalid_argument("discord api base must be an http(s) URL");
}

Result<DiscordClient::Answer> DiscordClient::Send(std::string_view method, const std::string& url,
                                                  const std::string& authorization,
                                                  const std::optional<nlohmann::json>& body,
                                                  std::string_view reason,
                                                  std::string_view bucket) const {
  return SendRaw(method, url, authorization,
                 body ? Payload{"application/json", body->dump()} : std::optional<Payload>(),
                 reason, bucket);
}

std::optional<Error> DiscordClient::Waiting(std::string_view bucket) const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(limits_mutex_);
  auto until = global_until_;
  if (auto it = buckets_.find(std::string(bucket)); !bucket.empty() && it != buckets_.end())
    until = std::max(until, it->second);
  if (until <= now) return std::nullopt;
  Error error{.code = ErrorCode::kRateLimited,
              .message = fmt::format("Discord's rate limit ({}): waiting before calling again",
                                     bucket.empty() ? "global" : bucket)};
  error.retry_after_seconds =
      std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(until - now).count());
  return error;
}

void DiscordClient::Learn(std::string_view bucket, long status, std::optional<int64_t> remaining,
                          std::optional<double> reset_after, std::optional<double> retry_after,
                          bool global) const {
  const auto now = std::chrono::steady_clock::now();
  auto after = [&](double seconds) {
    return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(seconds));
  };
  std::lock_guard lock(limits_mutex_);
  if (status == 429 && global) global_until_ = after(retry_after.value_or(1.0));
  if (bucket.empty()) return;
  // The bucket is spent (or a 429 said so): nothing more on it until it refills.
  if (status == 429 && !global)
    buckets_[std::string(bucket)] = after(retry_after.value_or(reset_after.value_or(1.0)));
  else if (remaining && *remaining <= 0 && reset_after)
    buckets_[std::string(bucket)] = after(*reset_after);
}

Result<DiscordClient::Answer> DiscordClient::SendRaw(
    std::string_view method, const std::string& url, const std::string& authorization,
    const std::optional<Payload>& body, std::string_view reason, std::string_view bucket) const {
  // Discord's limits are honoured before a call, not learnt from a 429 each time: a spent
  // bucket (or the bot's global limit) answers kRateLimited here, without a request.
  if (auto wait = Waiting(bucket)) return std::unexpected(*wait);
  CurlEasy handle = NewCurlEasy();
  CURL* c = handle.get();
  CurlList headers;
  if (!authorization.empty()) headers.Append("Authorization: " + authorization);
  if (!reason.empty()) headers.Append("X-Audit-Log-Reason: " + PercentEncode(reason));
  const std::string payload = body ? body->text : std::string();
  // A PUT or POST with no body still says Content-Length: 0, and no content type (curl would
  // add a form's).
  headers.Append(body ? "Content-Type: " + body->content_type : "Content-Type:");
  Exchange ex;
  std::string error_buffer(CURL_ERROR_SIZE, '\0');
  const std::string method_text(method);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_text.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &CollectHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer.data());
  if (body || method == "PUT" || method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  }
  // No CURLOPT_VERBOSE: its trace would carry the Authorization header, i.e. the bot token.
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return Fail(ErrorCode::kUnavailable,
                fmt::format("{}: {}", Describe(method, url),
                            error_buffer[0] ? error_buffer.c_str() : curl_easy_strerror(rc)));
  Answer answer;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  Learn(bucket, answer.status, ex.remaining, ex.reset_after, ex.retry_after, ex.global);
  answer.body = nlohmann::json::parse(ex.body, nullptr, /*allow_exceptions=*/false);
  if (answer.body.is_discarded()) answer.body = nullptr;
  if (answer.status >= 200 && answer.status < 300) return answer;

  // The REST API says {code, message}; the OAuth2 token endpoint {error, error_description}.
  std::string discord_message;
  if (answer.body.is_object()) {
    discord_message = answer.body.value("message", std::string());
    if (discord_message.empty() && answer.body.contains("error") &&
        answer.body["error"].is_string())
      discord_message = answer.body["error"].get<std::string>() + " " +
                        answer.body.value("error_description", std::string());
  }
  const int64_t discord_code = answer.body.is_object() && answer.body.contains("code") &&
                                       answer.body["code"].is_number_integer()
                                   ? answer.body["code"].get<int64_t>()
                                   : 0;
  const std::string text = fmt::format("{}: HTTP {} code {} {}", Describe(method, url),
                                       answer.status, discord_code, discord_message);
  if (answer.status == 429) {
    double wait = ex.retry_after.value_or(1.0);
    if (answer.body.is_object() && answer.body.contains("retry_after") &&
        answer.body["retry_after"].is_number())
      wait = answer.body["retry_after"].get<double>();
    Error error{.code = ErrorCode::kRateLimited, .message = text};
    error.retry_after_seconds = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait)));
    return std::unexpected(std::move(error));
  }
  if (answer.status >= 500) return Fail(ErrorCode::kUnavailable, text);
  if (answer.status == 404 && discord_code == 10007) return Fail(ErrorCode::kNotFound, text);
  return Fail(ErrorCode::kInvalidInput, text);
}

Result<nlohmann::json> DiscordClient::Token(
    const std::string& token_url, std::string_view client_id, std::string_view client_secret,
    const std::vector<std::pair<std::string, std::string>>& form) const {
  // The client's credentials in the body (RFC 6749 section 2.3.1), as Discord's examples do.
  std::string text = fmt::format("client_id={}&client_secret={}", PercentEncode(client_id),
                                 PercentEncode(client_secret));
  for (const auto& [name, value] : form)
    text += fmt::format("&{}={}", PercentEncode(name), PercentEncode(value));
  auto answer =
      SendRaw("POST", token_url, {}, Payload{"application/x-www-form-urlencoded", text}, {});
  if (!answer) return std::unexpected(answer.error());
  if (!answer->body.is_object() || !answer->body.contains("access_token") ||
      !answer->body["access_token"].is_string())
    return Fail(ErrorCode::kUnavailable, "POST /oauth2/token: no access_token in the answer");
  return answer->body;
}

Result<DiscordUser> DiscordClient::CurrentUser(std::string_view access_token) const {
  auto answer = Send("GET", options_.api_base + "/users/@me", "Bearer " + std::string(access_token),
                     std::nullopt, {});
  if (!answer) return std::unexpected(answer.error());
  DiscordUser user = ParseDiscordUser(answer->body.is_object() ? answer->body : nlohmann::json());
  if (user.id.empty()) return Fail(ErrorCode::kUnavailable, "GET /users/@me: no user id");
  return user;
}

Result<bool> DiscordClient::AddMember(std::string_view guild, std::string_view user,
                                      std::string_view access_token,
                                      const std::vector<std::string>& roles) const {
  nlohmann::json body = {{"access_token", access_token}};
  if (!roles.empty()) body["roles"] = roles;
  auto answer =
      Send("PUT", fmt::format("{}/guilds/{}/members/{}", options_.api_base, guild, user),
           "Bot " + options_.bot_token, body, {}, fmt::format("PUT /guilds/{}/members", guild));
  if (!answer) return std::unexpected(answer.error());
  return answer->status == 201;
}

Result<std::optional<DiscordMember>> DiscordClient::GetMember(std::string_view guild,
                                                              std::string_view user) const {
  auto answer = Send("GET", fmt::format("{}/guilds/{}/members/{}", options_.api_base, guild, user),
                     "Bot " + options_.bot_token, std::nullopt, {},
                     fmt::format("GET /guilds/{}/members", guild));
  if (!answer) {
    if (answer.error().code == ErrorCode::kNotFound) return std::optional<DiscordMember>();
    return std::unexpected(answer.error());
  }
  DiscordMember member;
  if (answer->body.is_object()) {
    member.user = ParseDiscordUser(answer->body.value("user", nlohmann::json::object()));
    for (const auto& role : answer->body.value("roles", nlohmann::json::array()))
      if (role.is_string()) member.roles.push_back(role.get<std::string>());
  }
  return std::optional(std::move(member));
}

Result<void> DiscordClient::AddRole(std::string_view guild, std::string_view user,
                                    std::string_view role, std::string_view reason) const {
  auto answer = Send(
      "PUT", fmt::format("{}/guilds/{}/members/{}/roles/{}", options_.api_base, guild, user, role),
      "Bot " + options_.bot_token, std::nullopt, reason,
      fmt::format("PUT /guilds/{}/members/roles", guild));
  if (!answer) return std::unexpected(answer.error());
  return {};
}

Result<void> DiscordClient::RemoveRole(std::string_view guild, std::string_view user,
                                       std::string_view role, std::string_view reason) const {
  auto answer =
      Send("DELETE",
           fmt::format("{}/guilds/{}/members/{}/roles/{}", options_.api_base, guild, user, role),
           "Bot " + options_.bot_token, std::nullopt, reason,
           fmt::format("DELETE /guilds/{}/members/roles", guild));
  if (!answer) return std::unexpected(answer.error());
  return {};
}

Result<void> DiscordClient::ExecuteWebhook(std::string_view webhook_url,
                                           const nlohmann::json& message) const {
  if (!webhook_url.starts_with("https://") && !webhook_url.starts_with("http://"))
    return Fail(ErrorCode::kInvalidInput, "the webhook URL must be an http(s) URL");
  // The webhook's own bucket, keyed by its URL's hash: the token stays out of messages.
  auto answer = Send("POST", std::string(webhook_url), {}, message, {},
                     fmt::format("POST /webhooks/{}", std::hash<std::string_view>{}(webhook_url)));
  if (!answer) return std::unexpected(answer.error());
  return {};
}

}  // namespace tenure::integrations
