#include "commands.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "client.hpp"
#include "command_support.hpp"
#include "lease.hpp"
#include "state.hpp"

namespace tenure::agent {
namespace {

// Which exit code a refusal of the server means (the contract's stable codes).
int ExitFor(const Error& error) {
  if (error.failure == Failure::kUnreachable) return kExitUnreachable;
  if (error.failure == Failure::kUnexpected) return kExitError;
  static const std::set<std::string> license = {"no_license", "license_expired",
                                                "license_suspended", "no_free_instance"};
  static const std::set<std::string> session = {
      "invalid_credentials", "mfa_required", "session_revoked", "unauthenticated", "rate_limited"};
  if (license.contains(error.code)) return kExitLicenseRefused;
  if (session.contains(error.code)) return kExitNotSignedIn;
  return kExitError;
}

std::string Describe(const Error& error) {
  const nlohmann::json& b = error.body;
  auto text = [&](const char* k) { return b.is_object() ? b.value(k, std::string()) : ""; };
  if (error.code == "invalid_credentials") return "wrong email or password";
  if (error.code == "mfa_required")
    return "two-factor authentication is on: add --otp with the code from the authenticator app "
           "(or a recovery code)";
  if (error.code == "rate_limited")
    return "too many failed sign-ins; try again in " + std::to_string(error.retry_after) + " s";
  if (error.code == "session_revoked")
    return "signed out: the session ended (" + error.Reason() + "); sign in again";
  if (error.code == "unauthenticated") return "not signed in";
  if (error.code == "no_license")
    return "no license: this account has none; buy one at " + text("renew_url");
  if (error.code == "license_expired")
    return "license expired on " + text("expires_at") + " (grace ended " + text("grace_ends_at") +
           "); renew at " + text("renew_url");
  if (error.code == "license_suspended")
    return "license suspended while a payment dispute is open; see " + text("renew_url");
  if (error.code == "no_free_instance") {
    std::string line =
        "no free instance: all " + std::to_string(b.value("instances", 0)) + " are in use by";
    for (const auto& m : b.value("machines", nlohmann::json::array()))
      line += " [" + m.value("name", "") + ", " + m.value("os", "") + ", last seen " +
              m.value("last_seen_at", "") + "]";
    return line;
  }
  if (error.code == "invalid_input") {
    std::string where = text("field");
    if (b.is_object() && b.contains("item")) where = "checkout " + b["item"].dump() + ": " + where;
    return "refused: " + where + ": " + error.message;
  }
  return error.message;
}

nlohmann::json LeaseJson(const LeaseClaims& c) {
  return {{"verified", true},
          {"status", c.status},
          {"exp", FormatRfc3339(c.exp)},
          {"expires_at", c.expires_at},
          {"grace_ends_at", c.grace_ends_at},
          {"instances", c.instances},
          {"sid", c.sid}};
}

Outcome FromLeaseError(const LeaseError& e) {
  static const char* const kProblems[] = {"malformed",     "bad_algorithm",  "unknown_key",
                                          "bad_signature", "wrong_audience", "wrong_machine",
                                          "expired"};
  nlohmann::json j = {{"failure", "lease"},
                      {"lease_problem", kProblems[static_cast<int>(e.problem)]},
                      {"detail", e.message}};
  if (e.problem == LeaseProblem::kExpired)
    return Fail(kExitUnreachable, "the lease ended at " + FormatRfc3339(e.exp), std::move(j));
  // A lease that does not verify licenses nothing, online or offline.
  return Fail(kExitBadLease, "not licensed: " + e.message, std::move(j));
}

}  // namespace

Outcome Fail(int exit_code, std::string line, nlohmann::json error) {
  Outcome out{.exit_code = exit_code, .line = std::move(line)};
  out.json = {{"ok", false}, {"message", out.line}, {"error", std::move(error)}};
  return out;
}

std::string Value(const Invocation& inv, const std::string& key) {
  auto it = inv.values.find(key);
  return it == inv.values.end() ? std::string() : it->second;
}

Outcome FromError(const Error& error) {
  static const char* const kFailures[] = {"unreachable", "problem", "unexpected"};
  nlohmann::json j = {{"failure", kFailures[static_cast<int>(error.failure)]},
                      {"status", error.status},
                      {"code", error.code},
                      {"detail", error.message}};
  if (error.failure == Failure::kProblem) j["problem"] = error.body;
  return Fail(ExitFor(error), Describe(error), std::move(j));
}

std::expected<Session, Outcome> Open(const Invocation& inv, bool need_token) {
  auto state = LoadState(inv.state_path);
  if (!state) return std::unexpected(Fail(kExitError, state.error()));
  if (need_token && !state->SignedIn())
    return std::unexpected(Fail(kExitNotSignedIn, "not signed in: run tenure-agent login"));
  if (!inv.server.empty()) state->server = inv.server;
  if (state->server.empty())
    return std::unexpected(Fail(kExitUsage, "no server: pass --server URL"));
  return Session{.path = inv.state_path, .state = *state, .client = Client(state->server)};
}

std::optional<Outcome> Save(const Session& s) {
  if (auto saved = SaveState(s.path, s.state); !saved) return Fail(kExitError, saved.error());
  return std::nullopt;
}

std::optional<Outcome> RefreshKeysFor(Session& s, std::string_view jws) {
  auto kid = JwsKid(jws);
  if (!kid || JwksHasKid(s.state.jwks, *kid)) return std::nullopt;
  auto keys = s.client.FetchKeys();
  if (!keys) return FromError(keys.error());
  s.state.jwks = *keys;
  return std::nullopt;
}

Outcome Refused(Session& s, const Error& error) {
  const int code = ExitFor(error);
  if (code == kExitNotSignedIn) {
    s.state.token.clear();
    s.state.session_id.clear();
    s.state.lease.clear();
  } else if (code == kExitLicenseRefused) {
    s.state.lease.clear();
  }
  if (code == kExitNotSignedIn || code == kExitLicenseRefused) (void)Save(s);
  return FromError(error);
}

namespace {

// Verifies a lease the server just sent, with the keys refreshed when they lack its kid.
std::expected<LeaseClaims, Outcome> VerifyFresh(Session& s, const std::string& lease) {
  if (auto failed = RefreshKeysFor(s, lease)) return std::unexpected(*failed);
  auto claims = VerifyLease(lease, s.state.jwks, s.state.fingerprint, UnixNow());
  if (!claims) return std::unexpected(FromLeaseError(claims.error()));
  return *claims;
}

// The answer of GET /license or POST /heartbeat: keep the lease once it verifies.
Outcome Licensed(Session& s, const License& license, std::string_view verb) {
  auto claims = VerifyFresh(s, license.lease);
  if (!claims) {
    s.state.lease.clear();
    (void)Save(s);
    return claims.error();
  }
  s.state.lease = license.lease;
  s.state.heartbeat_interval_seconds = license.heartbeat_interval_seconds;
  if (auto failed = Save(s)) return *failed;
  std::string line = std::string(verb) + "licensed (" + license.status + ") until " +
                     license.expires_at + ", lease valid until " + FormatRfc3339(claims->exp);
  if (license.status == "grace") line += "; in grace: renew before " + license.grace_ends_at;
  Outcome out{.exit_code = kExitOk, .line = std::move(line)};
  out.json = {
      {"ok", true}, {"online", true}, {"license", license.raw}, {"lease", LeaseJson(*claims)}};
  return out;
}

// No server: the cached lease decides, verified with the cached keys only.
Outcome Offline(Session& s, const Error& why) {
  if (s.state.lease.empty())
    return Fail(kExitUnreachable, "offline (" + why.message + ") and no cached lease");
  auto claims = VerifyLease(s.state.lease, s.state.jwks, s.state.fingerprint, UnixNow());
  if (!claims) {
    Outcome out = FromLeaseError(claims.error());
    if (claims.error().problem == LeaseProblem::kExpired)
      out.line = "offline, and the cached lease ended at " + FormatRfc3339(claims.error().exp);
    out.json["offline"] = true;
    out.json["message"] = out.line;
    return out;
  }
  Outcome out{.exit_code = kExitOk,
              .line = "offline, licensed until " + FormatRfc3339(claims->exp)};
  out.json = {
      {"ok", true}, {"online", false}, {"detail", why.message}, {"lease", LeaseJson(*claims)}};
  return out;
}

Outcome Check(Session& s, bool heartbeat) {
  auto license = heartbeat ? s.client.Heartbeat(s.state.token) : s.client.GetLicense(s.state.token);
  if (license) return Licensed(s, *license, heartbeat ? "heartbeat ok: " : "");
  if (license.error().failure == Failure::kUnreachable) return Offline(s, license.error());
  return Refused(s, license.error());
}

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::expected<nlohmann::json, Outcome> CheckoutsFromFile(const std::string& file) {
  std::ifstream in(file);
  if (!in) return std::unexpected(Fail(kExitError, "cannot read " + file));
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  // Either the API's own body or just its array.
  if (j.is_object() && j.contains("checkouts")) j = j["checkouts"];
  if (!j.is_array())
    return std::unexpected(Fail(kExitUsage, file + ": expected a JSON array of checkouts or "
                                                   "{\"checkouts\": [...]}"));
  return j;
}

std::expected<nlohmann::json, Outcome> CheckoutFromFlags(const Invocation& inv) {
  for (const char* k : {"id", "store", "product", "price-cents", "currency"}) {
    if (Value(inv, k).empty())
      return std::unexpected(Fail(kExitUsage, std::string("report-checkout needs --") + k));
  }
  auto price = ParseInt(Value(inv, "price-cents"));
  const std::string quantity_text = inv.values.contains("quantity") ? Value(inv, "quantity") : "1";
  auto quantity = ParseInt(quantity_text);
  if (!price) return std::unexpected(Fail(kExitUsage, "--price-cents takes whole cents"));
  if (!quantity) return std::unexpected(Fail(kExitUsage, "--quantity takes a whole number"));
  const std::string at = inv.values.contains("at") ? Value(inv, "at") : FormatRfc3339(UnixNow());
  return nlohmann::json::array({{{"id", Value(inv, "id")},
                                 {"store", Value(inv, "store")},
                                 {"product", Value(inv, "product")},
                                 {"price_cents", *price},
                                 {"currency", Value(inv, "currency")},
                                 {"quantity", *quantity},
                                 {"at", at}}});
}

std::expected<std::string, Outcome> ReadPassword(const Invocation& inv) {
  std::string password;
  if (inv.switches.contains("password-stdin")) {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else if (const char* env = std::getenv("TENURE_AGENT_PASSWORD")) {
    password = env;
  }
  if (password.empty())
    return std::unexpected(Fail(kExitUsage,
                                "no password: set TENURE_AGENT_PASSWORD or pass "
                                "--password-stdin (never on the command line)"));
  return password;
}

}  // namespace

void Print(const Outcome& outcome, bool json) {
  // Flushed per line: heartbeat --loop runs for hours and whoever reads its pipe wants each
  // beat as it happens.
  if (json) {
    nlohmann::json j = outcome.json;
    j["exit_code"] = outcome.exit_code;
    if (!j.contains("message")) j["message"] = outcome.line;
    std::cout << j.dump() << '\n' << std::flush;
    return;
  }
  (outcome.exit_code == kExitOk ? std::cout : std::cerr)
      << (outcome.exit_code == kExitOk ? "" : "tenure-agent: ") << outcome.line << '\n'
      << std::flush;
}

Outcome Login(const Invocation& inv) {
  for (const char* k : {"email", "fingerprint", "name", "os", "app-version"}) {
    if (Value(inv, k).empty()) return Fail(kExitUsage, std::string("login needs --") + k);
  }
  auto password = ReadPassword(inv);
  if (!password) return password.error();
  auto s = Open(inv, /*need_token=*/false);
  if (!s) return s.error();
  const Machine machine{.fingerprint = Value(inv, "fingerprint"),
                        .name = Value(inv, "name"),
                        .os = Value(inv, "os"),
                        .app_version = Value(inv, "app-version")};
  auto signed_in = s->client.SignIn(Value(inv, "email"), *password, machine, Value(inv, "otp"));
  if (!signed_in) return FromError(signed_in.error());
  s->state.fingerprint = machine.fingerprint;
  s->state.email = Value(inv, "email");
  s->state.token = signed_in->token;
  s->state.session_id = signed_in->session_id;
  // Licensed() saves the token even when the lease fails, so logout can still end the session.
  Outcome out = Licensed(*s, signed_in->license, "signed in as " + s->state.email + ": ");
  out.json["session_id"] = signed_in->session_id;
  return out;
}

Outcome Status(const Invocation& inv) {
  auto s = Open(inv, /*need_token=*/true);
  if (!s) return s.error();
  return Check(*s, /*heartbeat=*/false);
}

Outcome HeartbeatCommand(const Invocation& inv) {
  auto s = Open(inv, /*need_token=*/true);
  if (!s) return s.error();
  if (!inv.switches.contains("loop")) return Check(*s, /*heartbeat=*/true);

  // The signals are blocked and taken synchronously with sigtimedwait: the wait between beats
  // is the only place they are read, so a beat is never cut off half-way.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  for (;;) {
    Outcome beat = Check(*s, /*heartbeat=*/true);
    Print(beat, inv.json);
    if (beat.exit_code != kExitOk) {
      beat.printed = true;
      return beat;
    }
    const int64_t interval = std::max<int64_t>(
        1, s->state.heartbeat_interval_seconds > 0 ? s->state.heartbeat_interval_seconds : 60);
    const timespec wait{.tv_sec = static_cast<time_t>(interval), .tv_nsec = 0};
    int signal_number = -1;
    do {
      signal_number = sigtimedwait(&stop, nullptr, &wait);
    } while (signal_number < 0 && errno == EINTR);
    if (signal_number > 0) {
      Outcome out{.exit_code = kExitOk, .line = "heartbeat stopped"};
      out.json = {{"ok", true}, {"stopped", true}};
      return out;
    }
  }
}

Outcome ReportCheckout(const Invocation& inv) {
  const bool from_file = inv.values.contains("file");
  if (from_file && (inv.values.size() > 1))
    return Fail(kExitUsage, "report-checkout takes --file alone, or the checkout's flags");
  auto checkouts = from_file ? CheckoutsFromFile(Value(inv, "file")) : CheckoutFromFlags(inv);
  if (!checkouts) return checkouts.error();
  auto s = Open(inv, /*need_token=*/true);
  if (!s) return s.error();
  auto result = s->client.ReportCheckouts(s->state.token, *checkouts);
  if (!result) {
    if (result.error().failure == Failure::kUnreachable) {
      Outcome out = FromError(result.error());
      out.line = "nothing reported (" + result.error().message + "); send it again later";
      return out;
    }
    return Refused(*s, result.error());
  }
  Outcome out{.exit_code = kExitOk,
              .line = std::to_string(result->accepted) + " accepted, " +
                      std::to_string(result->duplicates) + " duplicate" +
                      (result->duplicates == 1 ? "" : "s")};
  out.json = {{"ok", true}, {"accepted", result->accepted}, {"duplicates", result->duplicates}};
  return out;
}

Outcome Logout(const Invocation& inv) {
  auto s = Open(inv, /*need_token=*/false);
  if (!s) return s.error();
  if (!s->state.SignedIn()) {
    Outcome out{.exit_code = kExitOk, .line = "not signed in"};
    out.json = {{"ok", true}, {"signed_out", true}};
    return out;
  }
  auto result = s->client.SignOut(s->state.token);
  std::string line = "signed out; the slot is free";
  if (!result) {
    // Unreachable: keep the token so a later logout can still free the slot.
    if (result.error().failure == Failure::kUnreachable) return FromError(result.error());
    if (result.error().code != "session_revoked" && result.error().code != "unauthenticated")
      return FromError(result.error());
    line = "signed out (the session had already ended: " + result.error().Reason() + ")";
  }
  s->state.token.clear();
  s->state.session_id.clear();
  s->state.lease.clear();
  if (auto failed = Save(*s)) return *failed;
  Outcome out{.exit_code = kExitOk, .line = std::move(line)};
  out.json = {{"ok", true}, {"signed_out", true}};
  return out;
}

}  // namespace tenure::agent
