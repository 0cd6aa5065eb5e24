#include "client.hpp"

#include <curl/curl.h>
#include <sodium.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

namespace tenure::agent {
namespace {

constexpr char kUserAgent[] = "tenure-agent/1.0";

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The download's write side: each piece goes to the part file and into the hash as it comes.
struct FileSink {
  std::FILE* file = nullptr;
  crypto_hash_sha256_state hash{};
  int64_t received = 0;
  int64_t max_bytes = 0;
  bool too_big = false;
  int write_errno = 0;
};

size_t WriteToFile(char* data, size_t size, size_t count, void* out) {
  auto* sink = static_cast<FileSink*>(out);
  const size_t n = size * count;
  sink->received += static_cast<int64_t>(n);
  if (sink->received > sink->max_bytes) {
    sink->too_big = true;
    return 0;  // anything but n makes libcurl stop with CURLE_WRITE_ERROR
  }
  if (std::fwrite(data, 1, n, sink->file) != n) {
    sink->write_errno = errno;
    return 0;
  }
  crypto_hash_sha256_update(&sink->hash, reinterpret_cast<const unsigned char*>(data), n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// What every request of the client sets the same way.
void SetCommonOptions(CURL* c) {
  curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  // Only the protocols a license server speaks; a redirect is not followed (a token must
  // not travel to another host).
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a timeout must not raise SIGALRM in the host
}

std::unexpected<Error> Fail(Failure failure, std::string message, int status = 0) {
  return std::unexpected(
      Error{.failure = failure, .message = std::move(message), .status = status});
}

std::string MediaType(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A License object, read leniently: the document (api/openapi.json) is the strict check;
// a program only needs the members it acts on to have the right types.
std::optional<License> ParseLicense(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("lease") || !j["lease"].is_string() || !j.contains("status") ||
      !j["status"].is_string())
    return std::nullopt;
  auto text = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : "";
  };
  auto number = [&](const char* k) {
    return j.contains(k) && j[k].is_number_integer() ? j[k].get<int64_t>() : int64_t{0};
  };
  return License{.status = text("status"),
                 .expires_at = text("expires_at"),
                 .grace_ends_at = text("grace_ends_at"),
                 .auto_renew = j.value("auto_renew", false),
                 .instances = number("instances"),
                 .machines_in_use = number("machines_in_use"),
                 .heartbeat_interval_seconds = number("heartbeat_interval_seconds"),
                 .server_time = text("server_time"),
                 .lease = text("lease"),
                 .raw = j};
}

// A release answer: every member the contract names, of its type (api/openapi.json).
std::optional<Release> ParseRelease(const nlohmann::json& j) {
  Release out{.raw = j};
  const std::pair<const char*, std::string*> texts[] = {
      {"version", &out.version},
      {"channel", &out.channel},
      {"published_at", &out.published_at},
      {"notes", &out.notes},
      {"os", &out.os},
      {"file_name", &out.file_name},
      {"sha256", &out.sha256},
      {"signature", &out.signature},
      {"download_url", &out.download_url},
      {"download_url_expires_at", &out.download_url_expires_at}};
  for (auto [name, field] : texts) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    *field = it->get<std::string>();
  }
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer()) return std::nullopt;
  out.size = size->get<int64_t>();
  return out;
}

std::string Escape(CURL* curl, std::string_view text) {
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(curl, text.data(), static_cast<int>(text.size())), curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

Result<License> LicenseAnswer(Result<nlohmann::json> answer) {
  if (!answer) return std::unexpected(answer.error());
  auto license = ParseLicense(*answer);
  if (!license) return Fail(Failure::kUnexpected, "the server's license answer has no lease", 200);
  return *license;
}

}  // namespace

Client::Client(std::string server, std::chrono::seconds timeout)
    : server_(std::move(server)), timeout_(timeout) {
  while (!server_.empty() && server_.back() == '/') server_.pop_back();
}

Result<Client::Reply> Client::Send(std::string_view method, std::string_view path,
                                   std::string_view token,
                                   const std::optional<std::string>& json_body) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Fail(Failure::kUnexpected, "libcurl could not start a request");
  const std::string url = server_ + std::string(path);
  const std::string verb(method);
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) {
    // curl_slist_append returns nullptr and leaves the list as it was when it runs out of memory.
    if (curl_slist* grown = curl_slist_append(headers.get(), line.c_str())) {
      (void)headers.release();
      headers.reset(grown);
    }
  };
  add_header("Accept: application/json");
  if (!token.empty()) add_header("Authorization: Bearer " + std::string(token));
  if (json_body) add_header("Content-Type: application/json");
  // libcurl adds "Expect: 100-continue" to larger POSTs: one more round trip for nothing.
  add_header("Expect:");

  Reply reply;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, verb.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  SetCommonOptions(c);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));  // NOLINT
  if (json_body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body->size()));
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return Fail(Failure::kUnreachable,
                std::string("no answer from ") + server_ + ": " + curl_easy_strerror(rc));
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  char* content_type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type) reply.content_type = content_type;
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK)
    reply.retry_after = static_cast<int64_t>(retry_after);
  return reply;
}

Result<nlohmann::json> Client::JsonAnswer(const Result<Reply>& reply, int expected_status) const {
  if (!reply) return std::unexpected(reply.error());
  const int status = reply->status;
  const std::string media = MediaType(reply->content_type);
  auto body = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (status >= 500)
    return Fail(Failure::kUnreachable,
                "the server could not answer (HTTP " + std::to_string(status) + ")", status);
  if (status == expected_status) {
    if (expected_status == 204) return nlohmann::json(nullptr);
    if (media != "application/json" || !body.is_object())
      return Fail(Failure::kUnexpected, "the server's answer is not a JSON object", status);
    return body;
  }
  if (media == "application/problem+json" && body.is_object() && body.contains("code") &&
      body["code"].is_string()) {
    Error error{.failure = Failure::kProblem,
                .message = body.value("detail", body["code"].get<std::string>()),
                .status = status,
                .code = body["code"].get<std::string>(),
                .body = body,
                .retry_after = reply->retry_after};
    return std::unexpected(std::move(error));
  }
  return Fail(Failure::kUnexpected,
              "unexpected answer from the server (HTTP " + std::to_string(status) + ")", status);
}

Result<SignedIn> Client::SignIn(std::string_view email, std::string_view password,
                                const Machine& machine, std::string_view otp) const {
  nlohmann::json request = {{"email", email},
                            {"password", password},
                            {"machine",
                             {{"fingerprint", machine.fingerprint},
                              {"name", machine.name},
                              {"os", machine.os},
                              {"app_version", machine.app_version}}}};
  if (!otp.empty()) request["otp"] = otp;
  auto answer = JsonAnswer(Send("POST", "/api/v1/sessions", "", request.dump()), 201);
  if (!answer) return std::unexpected(answer.error());
  auto license = ParseLicense(answer->value("license", nlohmann::json()));
  const std::string token = answer->value("token", "");
  if (!license || token.empty())
    return Fail(Failure::kUnexpected, "the server's sign-in answer has no token or license", 201);
  return SignedIn{
      .token = token, .session_id = answer->value("session_id", ""), .license = *license};
}

Result<License> Client::GetLicense(std::string_view token) const {
  return LicenseAnswer(JsonAnswer(Send("GET", "/api/v1/license", token, std::nullopt), 200));
}

Result<License> Client::Heartbeat(std::string_view token) const {
  // The contract needs no body; `{}` is sent so no proxy or server can read a POST without
  // a content type as a form.
  return LicenseAnswer(JsonAnswer(Send("POST", "/api/v1/heartbeat", token, "{}"), 200));
}

Result<CheckoutResult> Client::ReportCheckouts(std::string_view token,
                                               const nlohmann::json& checkouts) const {
  const nlohmann::json request = {{"checkouts", checkouts}};
  auto answer = JsonAnswer(Send("POST", "/api/v1/checkouts", token, request.dump()), 200);
  if (!answer) return std::unexpected(answer.error());
  const auto& a = *answer;
  if (!a.contains("accepted") || !a["accepted"].is_number_integer() || !a.contains("duplicates") ||
      !a["duplicates"].is_number_integer())
    return Fail(Failure::kUnexpected, "the server's checkout answer has no counts", 200);
  return CheckoutResult{.accepted = a["accepted"].get<int64_t>(),
                        .duplicates = a["duplicates"].get<int64_t>()};
}

Result<void> Client::SignOut(std::string_view token) const {
  auto answer = JsonAnswer(Send("DELETE", "/api/v1/sessions/current", token, std::nullopt), 204);
  if (!answer) return std::unexpected(answer.error());
  return {};
}

Result<nlohmann::json> Client::FetchKeys() const {
  auto answer = JsonAnswer(Send("GET", "/api/v1/keys", "", std::nullopt), 200);
  if (!answer) return std::unexpected(answer.error());
  if (!answer->contains("keys") || !(*answer)["keys"].is_array())
    return Fail(Failure::kUnexpected, "the server's JWKS has no keys", 200);
  return answer;
}

Result<Release> Client::LatestRelease(std::string_view token, std::string_view os,
                                      std::string_view channel) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Fail(Failure::kUnexpected, "libcurl could not start a request");
  const std::string path = "/api/v1/releases/latest?os=" + Escape(curl.get(), os) +
                           "&channel=" + Escape(curl.get(), channel);
  auto answer = JsonAnswer(Send("GET", path, token, std::nullopt), 200);
  if (!answer) return std::unexpected(answer.error());
  auto release = ParseRelease(*answer);
  if (!release) return Fail(Failure::kUnexpected, "the server's release answer is incomplete", 200);
  return *release;
}

Result<DownloadedFile> Client::Download(std::string_view url, const std::string& path,
                                        int64_t max_bytes) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Fail(Failure::kUnexpected, "libcurl could not start a request");
  DownloadedFile out{.part_path = path + ".part"};
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(out.part_path.c_str(), "wb"));
  if (!file)
    return Fail(Failure::kUnexpected,
                "cannot write " + out.part_path + ": " + std::strerror(errno));
  auto failed = [&](Failure failure, std::string message, int status = 0) {
    file.reset();
    std::remove(out.part_path.c_str());
    return Fail(failure, std::move(message), status);
  };

  FileSink sink{.file = file.get(), .max_bytes = max_bytes};
  crypto_hash_sha256_init(&sink.hash);
  const std::string target(url);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, target.c_str());
  SetCommonOptions(c);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteToFile);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  // An error page (403 when the link expired or the license is not usable) is not written.
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(timeout_.count()));  // NOLINT
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  const std::string http = "(HTTP " + std::to_string(status) + ")";
  if (sink.too_big) {
    out.size = sink.received;
    return out;  // the caller compares the size with the signed one and removes the file
  }
  if (sink.write_errno != 0)
    return failed(Failure::kUnexpected,
                  "cannot write " + out.part_path + ": " + std::strerror(sink.write_errno));
  if (rc == CURLE_HTTP_RETURNED_ERROR && status < 500)
    return failed(Failure::kUnexpected,
                  "the server refused the download " + http +
                      ": the link lasts ten minutes and needs a usable license",
                  static_cast<int>(status));
  if (rc != CURLE_OK || status >= 500)
    return failed(Failure::kUnreachable,
                  "the download from " + target.substr(0, target.find('?')) +
                      " failed: " + (rc != CURLE_OK ? curl_easy_strerror(rc) : http),
                  static_cast<int>(status));
  if (status != 200)
    return failed(Failure::kUnexpected, "unexpected answer to the download " + http,
                  static_cast<int>(status));
  // On disk before the caller renames it: a crash must not leave a short file under the
  // final name.
  if (std::fflush(file.get()) != 0 || fsync(fileno(file.get())) != 0 ||
      std::fclose(file.release()) != 0)
    return failed(Failure::kUnexpected,
                  "cannot write " + out.part_path + ": " + std::strerror(errno));
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sink.hash, hash);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  out.size = sink.received;
  out.sha256 = hex;
  return out;
}

std::string FormatRfc3339(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char out[32];
  const size_t n = std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(out, n);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tenure::agent
