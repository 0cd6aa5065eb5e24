#include "journey_helpers.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <regex>
#include <stdexcept>

namespace tenure::http_test {

std::string DemoCustomerEmail(int k) { return "customer" + std::to_string(k) + "@example.com"; }

namespace {
std::string FormCsrf(Browser& b, std::string_view page) {
  const HttpResponse form = b.Get(page);
  EXPECT_EQ(form.status, 200) << page << ": " << ::testing::PrintToString(form);
  const std::string csrf = CsrfField(form.body);
  EXPECT_FALSE(csrf.empty()) << page << " carries no csrf field";
  return csrf;
}
}  // namespace

Browser SignedIn(const std::string& base_url, std::string_view email, std::string_view password) {
  Browser b(base_url);
  const HttpResponse r = b.Post("/sign-in", {{"csrf", FormCsrf(b, "/sign-in")},
                                             {"email", std::string(email)},
                                             {"password", std::string(password)}});
  EXPECT_EQ(r.status, 303) << "signing in " << email << ": " << ::testing::PrintToString(r);
  EXPECT_TRUE(b.Cookie("tenure_session").has_value()) << "no session for " << email;
  return b;
}

Browser SignedUp(const std::string& base_url, std::string_view email) {
  Browser b(base_url);
  const HttpResponse r = b.Post("/sign-up", {{"csrf", FormCsrf(b, "/sign-up")},
                                             {"email", std::string(email)},
                                             {"password", kCustomerPassword},
                                             {"terms", "yes"}});
  EXPECT_EQ(r.status, 303) << "signing up " << email << ": " << ::testing::PrintToString(r);
  EXPECT_TRUE(b.Cookie("tenure_session").has_value()) << "no session for " << email;
  return b;
}

std::string SessionCsrf(Browser& b) {
  const HttpResponse home = b.Get("/home");
  EXPECT_EQ(home.status, 200) << ::testing::PrintToString(home);
  const std::string csrf = CsrfField(home.body);
  EXPECT_FALSE(csrf.empty()) << "Home carries no csrf field";
  return csrf;
}

std::string FreshEmail(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter) +
         "@example.com";
}

// ---- pages --------------------------------------------------------------------------------

std::string PlainText(std::string_view html) {
  std::string stripped;
  stripped.reserve(html.size());
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
      stripped.push_back(' ');
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      stripped.push_back(c);
    }
  }
  const std::string text = HtmlUnescape(stripped);
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  // Punctuation right after an element ("<time>May 1</time>.") reads without the space.
  static const std::regex kSpaceBeforePunct(R"( ([.,;:)]))");
  return std::regex_replace(out, kSpaceBeforePunct, "$1");
}

std::string Rfc3339(int64_t unix_seconds) {
  const time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t UnixFromRfc3339(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end) return -1;
  return timegm(&tm);
}

std::string LongDate(int64_t unix_seconds) {
  static constexpr std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  const std::chrono::sys_seconds t{std::chrono::seconds(unix_seconds)};
  const std::chrono::year_month_day ymd(std::chrono::floor<std::chrono::days>(t));
  return std::string(kMonths[unsigned(ymd.month()) - 1]) + " " +
         std::to_string(unsigned(ymd.day())) + ", " + std::to_string(int(ymd.year()));
}

std::vector<Link> Links(std::string_view html) {
  std::vector<Link> out;
  static const std::regex kLink(R"(<a\b([^>]*)>([\s\S]*?)</a>)");
  const std::string s(html);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kLink); it != std::sregex_iterator();
       ++it) {
    const auto tags = FindTags("<a " + (*it)[1].str() + ">", "a");
    out.push_back({tags.empty() ? std::string() : tags[0].Get("href"), PlainText((*it)[2].str())});
  }
  return out;
}

std::vector<std::string> Buttons(std::string_view html) {
  std::vector<std::string> out;
  static const std::regex kButton(R"(<button\b[^>]*>([\s\S]*?)</button>)");
  const std::string s(html);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kButton); it != std::sregex_iterator();
       ++it)
    out.push_back(PlainText((*it)[1].str()));
  return out;
}

std::string FormWithAction(std::string_view html, std::string_view action) {
  size_t pos = 0;
  while ((pos = html.find("<form", pos)) != std::string_view::npos) {
    const size_t tag_end = html.find('>', pos);
    if (tag_end == std::string_view::npos) break;
    const auto tags = FindTags(html.substr(pos, tag_end - pos + 1), "form");
    if (!tags.empty() && tags[0].Get("action") == action) {
      const size_t end = html.find("</form>", tag_end);
      return std::string(
          html.substr(pos, end == std::string_view::npos ? std::string_view::npos : end + 7 - pos));
    }
    pos = tag_end;
  }
  return {};
}

std::vector<std::string> MessageBodies(std::string_view html) {
  std::vector<std::string> out;
  constexpr std::string_view kOpen = "<div class=\"message-body\">";
  size_t pos = 0;
  while ((pos = html.find(kOpen, pos)) != std::string_view::npos) {
    pos += kOpen.size();
    const size_t end = html.find("</div>", pos);
    if (end == std::string_view::npos) break;
    out.emplace_back(html.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

std::optional<std::string> TextareaValue(std::string_view html, std::string_view name) {
  size_t pos = 0;
  while ((pos = html.find("<textarea", pos)) != std::string_view::npos) {
    const size_t tag_end = html.find('>', pos);
    if (tag_end == std::string_view::npos) break;
    const auto tags = FindTags(html.substr(pos, tag_end - pos + 1), "textarea");
    if (!tags.empty() && tags[0].Get("name") == name) {
      const size_t end = html.find("</textarea>", tag_end);
      if (end == std::string_view::npos) return std::nullopt;
      return HtmlUnescape(html.substr(tag_end + 1, end - tag_end - 1));
    }
    pos = tag_end;
  }
  return std::nullopt;
}

size_t Position(std::string_view html, std::string_view needle) { return html.find(needle); }

// ---- database -----------------------------------------------------------------------------

int64_t UserId(Database& db, std::string_view email) {
  return db.Int("SELECT id FROM users WHERE email = ?", {std::string(email)}).value_or(-1);
}

int64_t LicenseId(Database& db, int64_t user_id) {
  return db.Int("SELECT id FROM licenses WHERE user_id = ?", {user_id}).value_or(-1);
}

namespace {
constexpr char kEmailTo[] =
    "kind = 'email' AND EXISTS (SELECT 1 FROM json_each(payload, '$.to') WHERE value = ?) "
    "AND instr(json_extract(payload, '$.subject'), ?) > 0";
}

int64_t EmailsTo(Database& db, std::string_view to, std::string_view subject_part) {
  return db.Count(std::string("SELECT COUNT(*) FROM outbox WHERE ") + kEmailTo,
                  {std::string(to), std::string(subject_part)});
}

int64_t EmailsNotAboutSignIn(Database& db, std::string_view to) {
  return EmailsTo(db, to) - EmailsTo(db, to, "Confirm your email address") -
         EmailsTo(db, to, "New sign-in to your account");
}

std::optional<std::string> LastEmailText(Database& db, std::string_view to,
                                         std::string_view subject_part) {
  return db.Text(std::string("SELECT json_extract(payload, '$.text') FROM outbox WHERE ") +
                     kEmailTo + " ORDER BY id DESC LIMIT 1",
                 {std::string(to), std::string(subject_part)});
}

std::optional<std::string> LastEmailSubject(Database& db, std::string_view to) {
  return db.Text(std::string("SELECT json_extract(payload, '$.subject') FROM outbox WHERE ") +
                     kEmailTo + " ORDER BY id DESC LIMIT 1",
                 {std::string(to), std::string()});
}

int64_t AuditCount(Database& db, std::string_view action) {
  return db.Count("SELECT COUNT(*) FROM audit_log WHERE action = ?", {std::string(action)});
}

AccountState StateOf(Database& db, int64_t user_id) {
  AccountState s;
  s.expires_at = db.Int("SELECT expires_at FROM licenses WHERE user_id = ?", {user_id});
  s.auto_renew =
      db.Int("SELECT auto_renew FROM licenses WHERE user_id = ?", {user_id}).value_or(-1);
  s.off_reason = db.Text("SELECT auto_renew_off_reason FROM licenses WHERE user_id = ?", {user_id})
                     .value_or("<no license>");
  s.cancellations = db.Count("SELECT COUNT(*) FROM cancellations WHERE user_id = ?", {user_id});
  s.all_cancellations = db.Count("SELECT COUNT(*) FROM cancellations");
  // Scoped to this customer: `serve` also runs background jobs (the renewal job's
  // reminders and charges) that write audit and outbox rows for other customers.
  const std::string email =
      db.Text("SELECT email FROM users WHERE id = ?", {user_id}).value_or("<no user>");
  s.emails = EmailsTo(db, email);
  const std::string user = "user:" + std::to_string(user_id);
  const std::string license = "license:" + std::to_string(LicenseId(db, user_id));
  s.audit = db.Count(
      "SELECT COUNT(*) FROM audit_log WHERE actor = ? OR subject = ? OR subject = ? OR "
      "subject IN (SELECT 'ticket:' || id FROM tickets WHERE user_id = ?)",
      {user, user, license, user_id});
  s.tickets = db.Count("SELECT COUNT(*) FROM tickets");
  s.ticket_messages = db.Count("SELECT COUNT(*) FROM ticket_messages");
  return s;
}

void PrintTo(const AccountState& s, std::ostream* os) {
  *os << "{expires_at=" << (s.expires_at ? std::to_string(*s.expires_at) : "NULL")
      << " auto_renew=" << s.auto_renew << " off_reason='" << s.off_reason
      << "' cancellations=" << s.cancellations << " all_cancellations=" << s.all_cancellations
      << " outbox=" << s.emails << " audit=" << s.audit << " tickets=" << s.tickets
      << " ticket_messages=" << s.ticket_messages << "}";
}

WritableDatabase::WritableDatabase(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path.string() + ": " + why);
  }
  sqlite3_busy_timeout(db, 5000);
  db_ = db;
}

WritableDatabase::~WritableDatabase() { sqlite3_close(static_cast<sqlite3*>(db_)); }

int WritableDatabase::Exec(std::string_view sql, const std::vector<int64_t>& params) {
  auto* db = static_cast<sqlite3*>(db_);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error("SQL error: " + std::string(sqlite3_errmsg(db)));
  for (size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_int64(stmt, static_cast<int>(i + 1), params[i]);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error("SQL error: " + std::string(sqlite3_errmsg(db)));
  return sqlite3_changes(db);
}

// ---- CSV ----------------------------------------------------------------------------------

std::optional<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  const size_t n = text.size();
  if (n == 0) return records;
  for (;;) {
    // One field.
    field.clear();
    if (i < n && text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= n) return std::nullopt;  // unterminated quote
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
    } else {
      while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') return std::nullopt;  // a quote inside an unquoted field
        field.push_back(text[i++]);
      }
    }
    record.push_back(field);
    // What ends it: a comma, a CRLF, or the end of the text.
    if (i >= n) {
      records.push_back(std::move(record));
      return records;
    }
    if (text[i] == ',') {
      ++i;
      continue;
    }
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
      i += 2;
      records.push_back(std::move(record));
      record.clear();
      if (i >= n) return records;  // the last record's line break
      continue;
    }
    return std::nullopt;  // a bare CR or LF outside quotes, or text after a closing quote
  }
}

}  // namespace tenure::http_test
