#include "server_fixture.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef TENURE_BINARY
#error "TENURE_BINARY must name the tenure executable (tests/http/CMakeLists.txt)"
#endif

extern char** environ;

namespace tenure::http_test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s, size_t n = 2000) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// The child's environment: ours without any TENURE_* (an unknown one stops the server),
// plus the variables the test chose.
std::vector<std::string> ChildEnvironment(const Fields& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("TENURE_")) env.emplace_back(*e);
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

// posix_spawn with stdout/stderr appended to files and stdin from /dev/null.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// The wait status once the child exits within `timeout`, nullopt if it is still running.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(2ms);  // polling a child, not timing a behaviour
  }
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

}  // namespace

// ---- Process ----------------------------------------------------------------------------

uint16_t FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

::testing::AssertionResult TenureProcess::Start(const ServerConfig& config,
                                                std::unique_ptr<TenureProcess>* out) {
  out->reset();
  std::unique_ptr<TenureProcess> p(new TenureProcess());
  std::string templ = (std::filesystem::temp_directory_path() / "tenure-http-XXXXXX").string();
  if (!mkdtemp(templ.data()))
    return ::testing::AssertionFailure() << "mkdtemp: " << std::strerror(errno);
  p->dir_ = templ;

  // Releases' files in the server's own directory, not in the test's working directory.
  Fields base_env = {{"TENURE_DATABASE", "sqlite://" + p->DatabasePath().string()},
                     {"TENURE_RELEASES_DIR", (p->dir_ / "releases").string()}};
  if (config.test_clock)
    base_env.emplace_back("TENURE_TEST_CLOCK_FILE", p->ClockFilePath().string());
  if (config.seed_demo) {
    Fields env = base_env;
    env.emplace_back("TENURE_DEMO_PASSWORD", kDemoPassword);
    std::vector<std::string> args = {TENURE_BINARY, "demo"};
    if (config.demo_customers > 0) {
      args.emplace_back("--customers");
      args.push_back(std::to_string(config.demo_customers));
    }
    const pid_t demo =
        Spawn(args, ChildEnvironment(env), p->dir_ / "demo.out", p->dir_ / "demo.err");
    if (demo < 0) return ::testing::AssertionFailure() << "cannot run " << TENURE_BINARY;
    const auto status = WaitExit(demo, 60s);
    if (!status) {
      kill(demo, SIGKILL);
      waitpid(demo, nullptr, 0);
      return ::testing::AssertionFailure() << "tenure demo did not finish within 60 s";
    }
    const std::string said = ReadFile(p->dir_ / "demo.out");
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0 ||
        said.find(std::string("created  ") + kDemoCustomer) == std::string::npos)
      return ::testing::AssertionFailure()
             << "tenure demo: " << DescribeStatus(*status) << "\nstdout:\n"
             << said << "\nstderr:\n"
             << ReadFile(p->dir_ / "demo.err");
  }

  // The port may be taken between probing and binding: try a few.
  ::testing::AssertionResult launched = ::testing::AssertionFailure();
  for (int attempt = 0; attempt < 3; ++attempt) {
    Fields env = base_env;
    env.insert(env.end(), config.env.begin(), config.env.end());
    p->port_ = FreeLoopbackPort();
    env.emplace_back("TENURE_LISTEN", "127.0.0.1:" + std::to_string(p->port_));
    launched = p->Launch({.env = env, .seed_demo = config.seed_demo});
    if (launched) break;
  }
  if (!launched) return launched;
  *out = std::move(p);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TenureProcess::Launch(const ServerConfig& config) {
  env_ = config.env;
  std::filesystem::remove(dir_ / "stdout.log");
  std::filesystem::remove(dir_ / "stderr.log");
  pid_ = Spawn({TENURE_BINARY, "serve"}, ChildEnvironment(config.env), dir_ / "stdout.log",
               dir_ / "stderr.log");
  if (pid_ < 0) return ::testing::AssertionFailure() << "cannot spawn " << TENURE_BINARY;
  const auto deadline = Clock::now() + 15s;
  while (Clock::now() < deadline) {
    if (Stdout().find("tenure: listening on") != std::string::npos)
      return ::testing::AssertionSuccess();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure()
             << "tenure serve ended before listening (" << DescribeStatus(status) << ")\nstderr:\n"
             << Tail(Stderr());
    }
    std::this_thread::sleep_for(5ms);  // polling for start-up
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return ::testing::AssertionFailure() << "tenure serve did not print 'listening' within 15 s\n"
                                       << "stdout:\n"
                                       << Tail(Stdout()) << "\nstderr:\n"
                                       << Tail(Stderr());
}

::testing::AssertionResult TenureProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return ::testing::AssertionFailure() << "the server is not running";
  kill(pid_, SIGTERM);
  const auto status = WaitExit(pid_, timeout);
  if (!status) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    keep_dir_ = true;
    return ::testing::AssertionFailure()
           << "still running " << timeout.count() << " ms after SIGTERM (killed); kept " << dir_
           << "\nstderr:\n"
           << Tail(Stderr());
  }
  pid_ = -1;
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    keep_dir_ = true;
    return ::testing::AssertionFailure()
           << "after SIGTERM: " << DescribeStatus(*status) << "; kept " << dir_ << "\nstderr:\n"
           << Tail(Stderr());
  }
  return ::testing::AssertionSuccess();
}

TenureProcess::~TenureProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  if (!dir_.empty() && !keep_dir_) std::filesystem::remove_all(dir_, ec);
}

std::string TenureProcess::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string TenureProcess::Stdout() const { return ReadFile(dir_ / "stdout.log"); }
std::string TenureProcess::Stderr() const { return ReadFile(dir_ / "stderr.log"); }

uint64_t TenureProcess::ResidentBytes() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

::testing::AssertionResult TenureProcess::RunCommand(const std::vector<std::string>& args,
                                                     std::string* out) const {
  static std::atomic<int> runs{0};
  const std::string name = "command-" + std::to_string(++runs);
  const auto out_path = dir_ / (name + ".out");
  const auto err_path = dir_ / (name + ".err");
  std::vector<std::string> argv = {TENURE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string line = "tenure";
  for (const auto& a : args) line += " " + a;
  const pid_t pid = Spawn(argv, ChildEnvironment(env_), out_path, err_path);
  if (pid < 0) return ::testing::AssertionFailure() << "cannot run " << TENURE_BINARY;
  const auto status = WaitExit(pid, 60s);
  if (!status) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return ::testing::AssertionFailure() << line << " did not finish within 60 s";
  }
  const std::string said = ReadFile(out_path);
  if (out) *out = said;
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    return ::testing::AssertionFailure() << line << ": " << DescribeStatus(*status) << "\nstdout:\n"
                                         << said << "\nstderr:\n"
                                         << ReadFile(err_path);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TenureProcess::AdvanceClock(std::string_view step,
                                                       std::string* now) const {
  std::string said;
  auto moved = RunCommand({"clock", "advance", std::string(step)}, &said);
  if (now) *now = std::string(Trim(said));
  return moved;
}

// ---- HTTP -------------------------------------------------------------------------------

bool SetCookie::Has(std::string_view attribute) const {
  return attributes.contains(Lower(attribute));
}
std::string SetCookie::Attribute(std::string_view attribute) const {
  auto it = attributes.find(Lower(attribute));
  return it == attributes.end() ? std::string() : it->second;
}

std::optional<SetCookie> ParseSetCookie(std::string_view header_value) {
  SetCookie c;
  bool first = true;
  while (!header_value.empty()) {
    const auto semi = header_value.find(';');
    std::string_view item = Trim(header_value.substr(0, semi));
    header_value =
        semi == std::string_view::npos ? std::string_view{} : header_value.substr(semi + 1);
    const auto eq = item.find('=');
    std::string_view key = Trim(item.substr(0, eq));
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : Trim(item.substr(eq + 1));
    if (first) {
      if (eq == std::string_view::npos || key.empty()) return std::nullopt;
      c.name = std::string(key);
      c.value = std::string(value);
      first = false;
    } else if (!key.empty()) {
      c.attributes[Lower(key)] = std::string(value);
    }
  }
  if (first) return std::nullopt;
  return c;
}

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}
bool HttpResponse::HasHeader(std::string_view lower_name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return h.first == lower_name; });
}
std::vector<std::string> HttpResponse::Headers(std::string_view lower_name) const {
  std::vector<std::string> out;
  for (const auto& [name, value] : headers)
    if (name == lower_name) out.push_back(value);
  return out;
}
std::optional<SetCookie> HttpResponse::Cookie(std::string_view name) const {
  std::optional<SetCookie> found;
  for (const auto& value : Headers("set-cookie"))
    if (auto c = ParseSetCookie(value); c && c->name == name) found = std::move(c);
  return found;
}
std::string HttpResponse::Text() const { return HtmlUnescape(body); }

void PrintTo(const HttpResponse& r, std::ostream* os) {
  *os << "HTTP " << r.status;
  if (r.transport_error)
    *os << " (transport error " << r.transport_error << ": " << r.transport_message << ")";
  for (const auto& [k, v] : r.headers) *os << "\n  " << k << ": " << v;
  *os << "\n  body (" << r.body.size() << " bytes): " << r.body.substr(0, 300);
}

std::string FormEncode(const Fields& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    for (const std::string* part : {&k, &v}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out.push_back(static_cast<char>(c));
        } else {
          out.push_back('%');
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
      }
      if (part == &k) out.push_back('=');
    }
  }
  return out;
}

namespace {
size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (e.g. after 100 Continue)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace_back(Lower(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * n;
}
}  // namespace

Browser::Browser(std::string base_url)
    : base_url_(std::move(base_url)), curl_(integrations::NewCurlEasy()) {}

HttpResponse Browser::Get(std::string_view path, const Fields& headers) {
  return Send("GET", path, {}, headers);
}
HttpResponse Browser::Head(std::string_view path, const Fields& headers) {
  return Send("HEAD", path, {}, headers);
}
HttpResponse Browser::Post(std::string_view path, const Fields& form, const Fields& headers) {
  Fields h = headers;
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return Send("POST", path, FormEncode(form), h);
}

HttpResponse Browser::Send(std::string_view method, std::string_view path, std::string_view body,
                           const Fields& headers) {
  CURL* curl = curl_.get();
  curl_easy_reset(curl);  // keeps the live connection
  HttpResponse res;
  const std::string url = base_url_ + std::string(path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const std::string interface = "host!" + local_address_;
  if (!local_address_.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res.headers);
  // No automatic decoding: the tests look at Content-Encoding and the raw bytes.
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (method != "GET") {
    const std::string m(method);  // libcurl copies option strings
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (!body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
  }
  integrations::CurlList list;
  list.Append("Expect:");  // no 100-continue round trip
  bool has_cookie_header = false;
  for (const auto& [k, v] : headers) {
    if (Lower(k) == "cookie") has_cookie_header = true;
    list.Append(k + ": " + v);
  }
  if (!has_cookie_header && !jar_.empty()) {
    std::string cookie = "Cookie: ";
    bool first = true;
    for (const auto& [k, v] : jar_) {
      if (!first) cookie += "; ";
      cookie += k + "=" + v;
      first = false;
    }
    list.Append(cookie);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    res.transport_error = rc;
    res.transport_message = *error ? error : curl_easy_strerror(rc);
    res.status = 0;
    res.headers.clear();
    return res;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);

  for (const auto& value : res.Headers("set-cookie")) {
    auto c = ParseSetCookie(value);
    if (!c) continue;
    const std::string max_age = c->Attribute("max-age");
    const bool expired = !max_age.empty() && std::atoll(max_age.c_str()) <= 0;
    if (expired || c->value.empty())
      jar_.erase(c->name);
    else
      jar_[c->name] = c->value;
  }
  return res;
}

std::optional<std::string> Browser::Cookie(std::string_view name) const {
  auto it = jar_.find(name);
  if (it == jar_.end()) return std::nullopt;
  return it->second;
}
void Browser::ForgetCookie(std::string_view name) {
  if (auto it = jar_.find(name); it != jar_.end()) jar_.erase(it);
}

// ---- HTML -------------------------------------------------------------------------------

std::string HtmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    long code = -1;
    if (entity == "amp")
      code = '&';
    else if (entity == "lt")
      code = '<';
    else if (entity == "gt")
      code = '>';
    else if (entity == "quot")
      code = '"';
    else if (entity == "apos")
      code = '\'';
    else if (entity.starts_with("#x") || entity.starts_with("#X"))
      code = std::strtol(std::string(entity.substr(2)).c_str(), nullptr, 16);
    else if (entity.starts_with('#'))
      code = std::strtol(std::string(entity.substr(1)).c_str(), nullptr, 10);
    if (code <= 0 || code > 127) {  // the pages only escape ASCII
      out.push_back('&');
      continue;
    }
    out.push_back(static_cast<char>(code));
    i = semi;
  }
  return out;
}

std::string HtmlTag::Get(std::string_view name) const {
  auto it = attributes.find(std::string(name));
  return it == attributes.end() ? std::string() : it->second;
}

std::vector<HtmlTag> FindTags(std::string_view html, std::string_view tag) {
  std::vector<HtmlTag> out;
  const std::string open = "<" + std::string(tag);
  size_t pos = 0;
  while ((pos = html.find(open, pos)) != std::string_view::npos) {
    size_t i = pos + open.size();
    pos = i;
    if (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) && html[i] != '>' &&
        html[i] != '/')
      continue;  // <inputx>
    HtmlTag t;
    while (i < html.size() && html[i] != '>') {
      while (i < html.size() &&
             (std::isspace(static_cast<unsigned char>(html[i])) || html[i] == '/'))
        ++i;
      if (i >= html.size() || html[i] == '>') break;
      const size_t name_start = i;
      while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) &&
             html[i] != '=' && html[i] != '>')
        ++i;
      std::string name = Lower(html.substr(name_start, i - name_start));
      std::string value;
      if (i < html.size() && html[i] == '=') {
        ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          const char quote = html[i++];
          const size_t end = html.find(quote, i);
          if (end == std::string_view::npos) break;
          value = HtmlUnescape(html.substr(i, end - i));
          i = end + 1;
        } else {
          const size_t start = i;
          while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) &&
                 html[i] != '>')
            ++i;
          value = HtmlUnescape(html.substr(start, i - start));
        }
      }
      t.attributes.emplace(std::move(name), std::move(value));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<HtmlTag> FindInput(std::string_view html, std::string_view name) {
  for (auto& t : FindTags(html, "input"))
    if (t.Get("name") == name) return t;
  return std::nullopt;
}

std::string CsrfField(std::string_view html) {
  auto input = FindInput(html, "csrf");
  return input ? input->Get("value") : std::string();
}

// ---- Database ---------------------------------------------------------------------------

Database::Database(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path.string() + ": " + why);
  }
  sqlite3_busy_timeout(db, 5000);
  db_ = db;
}
Database::~Database() { sqlite3_close(static_cast<sqlite3*>(db_)); }

namespace {
template <class T>
std::optional<T> QueryOne(sqlite3* db, std::string_view sql, const std::vector<SqlValue>& params) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error("SQL error: " + std::string(sqlite3_errmsg(db)) + " in " +
                             std::string(sql));
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (const auto* n = std::get_if<int64_t>(&params[i]))
      sqlite3_bind_int64(stmt, index, *n);
    else {
      const auto& s = std::get<std::string>(params[i]);
      sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
  }
  std::optional<T> out;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
    if constexpr (std::is_same_v<T, int64_t>) {
      out = sqlite3_column_int64(stmt, 0);
    } else {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out = std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
  } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    const std::string why = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    throw std::runtime_error("SQL error: " + why + " in " + std::string(sql));
  }
  sqlite3_finalize(stmt);
  return out;
}
}  // namespace

std::optional<int64_t> Database::Int(std::string_view sql, const std::vector<SqlValue>& params) {
  return QueryOne<int64_t>(static_cast<sqlite3*>(db_), sql, params);
}
std::optional<std::string> Database::Text(std::string_view sql,
                                          const std::vector<SqlValue>& params) {
  return QueryOne<std::string>(static_cast<sqlite3*>(db_), sql, params);
}
int64_t Database::Count(std::string_view sql, const std::vector<SqlValue>& params) {
  return Int(sql, params).value_or(-1);
}

}  // namespace tenure::http_test
