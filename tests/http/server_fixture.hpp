#pragma once
// HTTP integration tests run the real `tenure` binary (TENURE_BINARY) on a free loopback port
// with a fresh SQLite database, and talk to it with libcurl as a browser would
// (ENGINEERING.md habit 13: real peers on loopback). One server per test suite.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "integrations/curl_handle.hpp"

namespace tenure::http_test {

// Wall-clock unix seconds: the server under test runs on the real clock (unless
// ServerConfig::test_clock, whose time starts here and then moves only when the test says).
inline int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The password `tenure demo` gives demo@, staff@ and admin@example.com.
inline constexpr char kDemoPassword[] = "demo-password-2026";
inline constexpr char kDemoCustomer[] = "demo@example.com";
inline constexpr char kDemoSupport[] = "staff@example.com";
inline constexpr char kDemoAdmin[] = "admin@example.com";

using Fields = std::vector<std::pair<std::string, std::string>>;

struct ServerConfig {
  // Extra TENURE_* variables (only documented ones: unknown names stop the server).
  Fields env;
  bool seed_demo = true;
  // `tenure demo --customers N`: customer1..N@example.com, each with an auto-renewing license
  // (expiring spread over the next 30 days), the offline success card, and kDemoPassword.
  int demo_customers = 0;
  // The shared test clock (issue 8): `demo` and `serve` run with TENURE_TEST_CLOCK_FILE set to
  // a file in the server's directory, which starts at the real time; the test moves it with
  // TenureProcess::AdvanceClock or RunCommand({"clock", ...}).
  bool test_clock = false;
};

// One `tenure serve` process in its own temporary directory.
class TenureProcess {
 public:
  // Creates the directory and database, runs `tenure demo`, starts `tenure serve` and waits
  // until it prints "listening". On failure `out` stays empty and the result says why.
  static ::testing::AssertionResult Start(const ServerConfig& config,
                                          std::unique_ptr<TenureProcess>* out);
  ~TenureProcess();
  TenureProcess(const TenureProcess&) = delete;
  TenureProcess& operator=(const TenureProcess&) = delete;

  // SIGTERM, then success only if the process exits with status 0 within `timeout`
  // (graceful shutdown). A process still running after it is killed.
  ::testing::AssertionResult Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  std::string BaseUrl() const;
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path DatabasePath() const { return dir_ / "tenure.db"; }
  std::string Stdout() const;
  std::string Stderr() const;
  // The process's resident memory in bytes (/proc/PID/statm), 0 if unknown. Not its virtual
  // size: glibc reserves 64 MiB of address space for each new thread's malloc arena, which a
  // loaded machine's thread start-up can hit at any time.
  uint64_t ResidentBytes() const;

  // Runs `tenure ARGS...` with the environment `serve` got (its database, its test clock, the
  // test's settings) and waits for it; success when it exits 0, with its stdout in `*out`.
  // A failure names the exit status and carries stderr.
  ::testing::AssertionResult RunCommand(const std::vector<std::string>& args,
                                        std::string* out = nullptr) const;
  // ServerConfig::test_clock only: `tenure clock advance STEP` ("90m", "25h", "3d"), which
  // moves this server's time at once; the clock's new time (RFC 3339) in `*now`.
  ::testing::AssertionResult AdvanceClock(std::string_view step, std::string* now = nullptr) const;
  std::filesystem::path ClockFilePath() const { return dir_ / "test-clock"; }

 private:
  TenureProcess() = default;
  ::testing::AssertionResult Launch(const ServerConfig& config);

  std::filesystem::path dir_;
  Fields env_;  // what `serve` was started with, for RunCommand
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool keep_dir_ = false;
};

// A port that was free a moment ago (bound to 0, then closed).
uint16_t FreeLoopbackPort();

// ---- HTTP -------------------------------------------------------------------------------

struct SetCookie {
  std::string name;
  std::string value;
  std::map<std::string, std::string> attributes;  // lowercased names: "httponly", "max-age"
  bool Has(std::string_view attribute) const;
  std::string Attribute(std::string_view attribute) const;
};
std::optional<SetCookie> ParseSetCookie(std::string_view header_value);

struct HttpResponse {
  int transport_error = 0;  // a CURLcode; 0 when an HTTP response arrived
  std::string transport_message;
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;

  // The first header with this (lowercase) name, "" when absent.
  std::string Header(std::string_view lower_name) const;
  bool HasHeader(std::string_view lower_name) const;
  std::vector<std::string> Headers(std::string_view lower_name) const;
  // The last Set-Cookie for `name`.
  std::optional<SetCookie> Cookie(std::string_view name) const;
  // The body with HTML entities decoded, for searching messages.
  std::string Text() const;
};

// gtest prints responses briefly on failure.
void PrintTo(const HttpResponse& r, std::ostream* os);

// One browser: a connection (kept alive) and its own cookie jar. Redirects are not followed.
class Browser {
 public:
  explicit Browser(std::string base_url);

  HttpResponse Get(std::string_view path, const Fields& headers = {});
  HttpResponse Head(std::string_view path, const Fields& headers = {});
  // application/x-www-form-urlencoded
  HttpResponse Post(std::string_view path, const Fields& form, const Fields& headers = {});
  HttpResponse Send(std::string_view method, std::string_view path, std::string_view body,
                    const Fields& headers);

  std::optional<std::string> Cookie(std::string_view name) const;
  // Connects from this local address (Linux routes all of 127.0.0.0/8 to loopback), so that
  // one test can be clients on two addresses.
  void SetLocalAddress(std::string address) { local_address_ = std::move(address); }
  void SetCookie(std::string name, std::string value) { jar_[std::move(name)] = std::move(value); }
  // How long one request may take in all (20 s unless a test waits on a long queue on purpose).
  void SetTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  void ForgetCookie(std::string_view name);
  const std::map<std::string, std::string, std::less<>>& cookies() const { return jar_; }

 private:
  std::string base_url_;
  std::string local_address_;
  std::chrono::milliseconds timeout_{20000};
  integrations::CurlEasy curl_;
  std::map<std::string, std::string, std::less<>> jar_;
};

std::string FormEncode(const Fields& fields);

// ---- HTML -------------------------------------------------------------------------------

std::string HtmlUnescape(std::string_view text);

struct HtmlTag {
  std::map<std::string, std::string> attributes;  // values unescaped; bare attributes are ""
  bool Has(std::string_view name) const { return attributes.contains(std::string(name)); }
  std::string Get(std::string_view name) const;
};
// Every <tag ...> in the page, in order.
std::vector<HtmlTag> FindTags(std::string_view html, std::string_view tag);
// The first <input name="NAME">.
std::optional<HtmlTag> FindInput(std::string_view html, std::string_view name);
// The value of the hidden csrf input of the first form on the page, "" when absent.
std::string CsrfField(std::string_view html);

// ---- Database (read-only peeks at what a request changed) -------------------------------

using SqlValue = std::variant<int64_t, std::string>;

class Database {
 public:
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The first column of the first row; nullopt when there is no row or it is NULL.
  std::optional<int64_t> Int(std::string_view sql, const std::vector<SqlValue>& params = {});
  std::optional<std::string> Text(std::string_view sql, const std::vector<SqlValue>& params = {});
  // Shorthand for SELECT COUNT(*)...
  int64_t Count(std::string_view sql, const std::vector<SqlValue>& params = {});

 private:
  void* db_ = nullptr;  // sqlite3*
};

// ---- gtest fixture: one server per suite ------------------------------------------------

struct DefaultServer {
  static ServerConfig Config() { return {}; }
};

template <class Setup>
class ServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    start_error_.clear();
    const auto started = TenureProcess::Start(Setup::Config(), &server_);
    if (!started) start_error_ = started.message();
  }
  static void TearDownTestSuite() {
    if (!server_) return;
    // Graceful shutdown: SIGTERM must end the server with status 0 within a few seconds.
    EXPECT_TRUE(server_->Stop()) << "tenure serve did not shut down cleanly on SIGTERM";
    server_.reset();
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "tenure serve did not start: " << start_error_;
    ASSERT_TRUE(server_->running());
  }

  static TenureProcess& server() { return *server_; }
  static Browser NewBrowser() { return Browser(server_->BaseUrl()); }
  static Database Db() { return Database(server_->DatabasePath()); }

 private:
  static inline std::unique_ptr<TenureProcess> server_;
  static inline std::string start_error_;
};

}  // namespace tenure::http_test
