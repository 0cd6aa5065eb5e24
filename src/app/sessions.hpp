#pragma once
// Settings -> Sessions (issue 10 item 5; PRODUCT.md: Accounts, "list and revoke signed-in
// sessions"): every live session of an account, the dashboard's in browsers and the
// program's on machines, with Sign out per session and Sign out everywhere else; and how a
// dashboard session stays alive (the idle timeout, a coalesced last_seen_at). Signing in
// and out of this browser is app/accounts.hpp; a program's own side is app/program.hpp.
#include <string>
#include <string_view>
#include <vector>

#include "app/current_user.hpp"
#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/program_policy.hpp"
#include "domain/session_policy.hpp"
#include "domain/user_agent.hpp"

namespace tenure::app {

// Whether the dashboard `session` may still be used at `now` under the idle timeout; if so
// and its stored last_seen_at is stale, writes `now` there (and into `session`). At most one
// small write per session per SessionPolicy::touch_interval, outside any read transaction.
bool KeepDashboardSessionAlive(Store& store, Session& session, Instant now,
                               const domain::SessionPolicy& policy);

// One live session as Settings lists it.
struct SessionListing {
  std::string handle;  // SessionService::Handle: how the page names it, never the hash itself
  SessionKind kind = SessionKind::kDashboard;
  domain::Device device;     // a dashboard session: from its User-Agent
  std::string machine_name;  // a program session: its machine's name
  std::string machine_os;    // and the system the program reported
  std::string address;       // where it signed in from
  Instant signed_in_at;
  Instant last_seen_at;  // a program session: its machine's last heartbeat
  bool current = false;  // the session of the request asking
};

// What Sign out everywhere else ended.
// Ends every session of `user` but `keep_hash` (empty: all), dashboard and program, in
// `uow`: the license row is locked first, as ProgramService::SignIn locks it, so a program
// signing in meanwhile waits and then keeps its new session; each machine is signed out and
// frees its slot (audited per machine). The machines signed out and the sessions deleted;
// the caller audits why (Sign out everywhere else, a new password).
struct EndedSessions {
  int64_t machines = 0;
  int64_t sessions = 0;
};
EndedSessions EndSessions(UnitOfWork& uow, UserId user, std::string_view keep_hash, Instant now);

struct SignedOutOthers {
  int64_t browsers = 0;  // dashboard sessions
  int64_t machines = 0;  // program sessions: their machines signed out, slots free
};

class SessionService {
 public:
  SessionService(Store& store, const Clock& clock, const domain::SessionPolicy& policy,
                 const domain::ProgramPolicy& program_policy);

  // The account's live sessions: this one first, then the most recently active.
  std::vector<SessionListing> List(const CurrentUser& current);
  // Ends one of the account's other sessions by its handle; a program session's machine is
  // signed out as Settings -> Machines -> Sign out does (EndMachine). Another account's
  // session, an unknown handle and an ended session are all not found; the current one is a
  // conflict (the header's Sign out ends it).
  // Returns the kind of session it was.
  Result<SessionKind> SignOut(const Actor& actor, const CurrentUser& current,
                              std::string_view handle);
  // Ends every session of the account but the current one, in one unit of work.
  SignedOutOthers SignOutOthers(const Actor& actor, const CurrentUser& current);

  const domain::SessionPolicy& policy() const { return policy_; }
  // The public handle of a session: the first 16 hex digits of its token's hash. It grants
  // nothing (the hash is of a random token) and is looked up only among the asker's own.
  static std::string Handle(std::string_view token_hash);

 private:
  bool Live(const Session& session, Instant now) const;

  Store& store_;
  const Clock& clock_;
  const domain::SessionPolicy& policy_;
  const domain::ProgramPolicy& program_policy_;
};

}  // namespace tenure::app
