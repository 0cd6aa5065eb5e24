#pragma once
// Shared steps for the issue-3 HTTP tests (the cancellation journey, support tickets, the
// feedback inbox, granted days): signing in as a browser would, reading forms and links off a
// page, and looking at what a request left in the database (rows, audit, outbox e-mail).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server_fixture.hpp"

namespace tenure::http_test {

inline constexpr char kCustomerPassword[] = "a-good-long-password";
inline constexpr int64_t kDay = 24 * 3600;

// The demo customers `tenure demo --customers N` creates.
std::string DemoCustomerEmail(int k);

// A new browser signed in through the sign-in form; EXPECTs the 303 and a session.
Browser SignedIn(const std::string& base_url, std::string_view email,
                 std::string_view password = kDemoPassword);
// A new browser with a brand-new customer account (terms ticked); EXPECTs the 303.
Browser SignedUp(const std::string& base_url, std::string_view email);
// The session's CSRF token, read off Home as a page would carry it.
std::string SessionCsrf(Browser& b);
// An address nobody has used in this process.
std::string FreshEmail(std::string_view prefix);

// ---- pages --------------------------------------------------------------------------------

// Tags removed, entities decoded, runs of white space collapsed to one space.
std::string PlainText(std::string_view html);
// "December 17, 2026" for a Unix time, in UTC (what the pages and e-mails print).
std::string LongDate(int64_t unix_seconds);
// RFC 3339 in UTC, as `tenure clock` prints it, to Unix seconds; -1 when it is not that.
int64_t UnixFromRfc3339(std::string text);
// Unix seconds as RFC 3339 in UTC, as `tenure clock set` takes it.
std::string Rfc3339(int64_t unix_seconds);

struct Link {
  std::string href;
  std::string text;  // plain text
};
std::vector<Link> Links(std::string_view html);
// The plain texts of every <button>.
std::vector<std::string> Buttons(std::string_view html);
// From `<form ... action="ACTION"` to its `</form>`; "" when there is no such form.
std::string FormWithAction(std::string_view html, std::string_view action);
// The raw (still escaped) contents of every <div class="message-body">.
std::vector<std::string> MessageBodies(std::string_view html);
// The contents of the first <textarea name="NAME">, unescaped; nullopt when absent.
std::optional<std::string> TextareaValue(std::string_view html, std::string_view name);
// Where `needle` first occurs, npos when it does not.
size_t Position(std::string_view html, std::string_view needle);

// ---- database -----------------------------------------------------------------------------

int64_t UserId(Database& db, std::string_view email);
int64_t LicenseId(Database& db, int64_t user_id);
// E-mails queued in the outbox to `to` (any recipient of the list), optionally with a
// subject containing `subject_part`.
int64_t EmailsTo(Database& db, std::string_view to, std::string_view subject_part = "");
// E-mails to `to` besides those about signing in (issue 10): the email verification link of
// every sign-up, and the notice of a sign-in from a new address (a demo account's first).
int64_t EmailsNotAboutSignIn(Database& db, std::string_view to);
// The newest such e-mail's text and subject.
std::optional<std::string> LastEmailText(Database& db, std::string_view to,
                                         std::string_view subject_part = "");
std::optional<std::string> LastEmailSubject(Database& db, std::string_view to);
int64_t AuditCount(Database& db, std::string_view action);

// What a request may change on one customer's account; compared before and after requests
// that must change nothing.
struct AccountState {
  std::optional<int64_t> expires_at;
  int64_t auto_renew = -1;
  std::string off_reason;
  int64_t cancellations = -1;  // this customer's
  int64_t all_cancellations = -1;
  int64_t emails = -1;   // outbox e-mails to this customer
  int64_t audit = -1;    // audit rows by this customer or about their account and tickets
  int64_t tickets = -1;  // every ticket
  int64_t ticket_messages = -1;
  bool operator==(const AccountState&) const = default;
};
AccountState StateOf(Database& db, int64_t user_id);
void PrintTo(const AccountState& s, std::ostream* os);

// A second, writable connection to the server's database, to move a row back in time where
// the real clock cannot (the server has no test clock). Only used to set up a past.
class WritableDatabase {
 public:
  explicit WritableDatabase(const std::filesystem::path& path);
  ~WritableDatabase();
  WritableDatabase(const WritableDatabase&) = delete;
  WritableDatabase& operator=(const WritableDatabase&) = delete;
  // Runs one statement with integer parameters; returns the number of rows changed.
  int Exec(std::string_view sql, const std::vector<int64_t>& params = {});

 private:
  void* db_ = nullptr;  // sqlite3*
};

// RFC 4180: CRLF-separated records of comma-separated fields; a quoted field may hold commas,
// CR, LF, and "" for a quote. nullopt on anything malformed.
std::optional<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text);

// ---- fixtures -------------------------------------------------------------------------------

// A fresh server and database for every test: tests stay independent whether the binary
// runs them all in one process or ctest runs each in its own, and tests that count what the
// whole database holds (the feedback inbox, its chart and its export) count only their own.
class PerTestServer : public ::testing::Test {
 protected:
  explicit PerTestServer(ServerConfig config) : config_(std::move(config)) {}
  void SetUp() override {
    const auto started = TenureProcess::Start(config_, &server_);
    ASSERT_TRUE(started) << "tenure serve did not start: " << started.message();
  }
  void TearDown() override {
    // A test may have stopped it itself (to restore a backup into its database).
    if (server_ && server_->running()) {
      EXPECT_TRUE(server_->Stop()) << "tenure serve did not shut down cleanly";
    }
  }
  std::string Base() const { return server_->BaseUrl(); }
  Browser As(std::string_view email, std::string_view password = kDemoPassword) const {
    return SignedIn(Base(), email, password);
  }
  Database Db() const { return Database(server_->DatabasePath()); }
  TenureProcess& server() { return *server_; }

 private:
  ServerConfig config_;
  std::unique_ptr<TenureProcess> server_;
};

// A fresh server per test with a few demo customers, each with an auto-renewing license, a
// saved card and kDemoPassword. Why only eight: customer k of N expires 30 * k / (N + 1)
// days from now, and `serve` runs the renewal job in the background, which charges licenses
// due within a day and sends reminders to those within three. With N = 8 the first expires
// 3.3 days out, so the job has nothing to do and every change in the database is the test's.
class JourneyTest : public PerTestServer {
 protected:
  static constexpr int kDemoCustomers = 8;
  JourneyTest() : PerTestServer({.demo_customers = kDemoCustomers}) {}
  Browser NewCustomer(std::string_view email) const { return SignedUp(Base(), email); }
  // A demo customer this test has not used yet.
  std::string NextDemoCustomer() {
    EXPECT_LE(next_customer_, kDemoCustomers) << "the test uses more demo customers than exist";
    return DemoCustomerEmail(next_customer_++);
  }

 private:
  int next_customer_ = 1;
};

}  // namespace tenure::http_test
