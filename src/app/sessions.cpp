#include "app/sessions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/machines.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/sessions.hpp"
#include "domain/machine.hpp"

namespace tenure::app {
namespace {

constexpr size_t kHandleLength = 16;

std::string_view KindName(SessionKind kind) {
  return kind == SessionKind::kProgram ? "program" : "dashboard";
}

// A handle as SessionService::Handle writes them: anything else names no session.
bool WellFormedHandle(std::string_view handle) {
  return handle.size() == kHandleLength && std::ranges::all_of(handle, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The account's live machines by their session's token hash.
std::map<std::string, domain::Machine, std::less<>> MachinesBySession(UnitOfWork& uow,
                                                                      UserId user) {
  std::map<std::string, domain::Machine, std::less<>> out;
  for (domain::Machine& m : uow.machines().Live(user)) {
    std::string hash = m.session_hash;
    out.emplace(std::move(hash), std::move(m));
  }
  return out;
}

}  // namespace

bool KeepDashboardSessionAlive(Store& store, Session& session, Instant now,
                               const domain::SessionPolicy& policy) {
  if (policy.Idle(session.last_seen_at, now)) return false;
  if (!policy.Stale(session.last_seen_at, now)) return true;
  auto uow = store.Begin(Actor::User(session.user_id));
  // The condition in the query, too: of two requests at once, one writes.
  uow->sessions().Touch(session.token_hash, now, now - policy.touch_interval);
  uow->Commit();
  session.last_seen_at = now;
  return true;
}

SessionService::SessionService(Store& store, const Clock& clock,
                               const domain::SessionPolicy& policy,
                               const domain::ProgramPolicy& program_policy)
    : store_(store), clock_(clock), policy_(policy), program_policy_(program_policy) {}

std::string SessionService::Handle(std::string_view token_hash) {
  return std::string(token_hash.substr(0, kHandleLength));
}

bool SessionService::Live(const Session& session, Instant now) const {
  return session.expires_at > now && !policy_.Idle(session.last_seen_at, now);
}

std::vector<SessionListing> SessionService::List(const CurrentUser& current) {
  const Instant now = clock_.Now();
  auto read = store_.Read();
  const auto machines = MachinesBySession(*read, current.user.id);
  std::vector<SessionListing> out;
  for (const Session& s : read->sessions().ListForUser(current.user.id)) {
    SessionListing row{.handle = Handle(s.token_hash),
                       .kind = s.kind,
                       .address = s.address,
                       .signed_in_at = s.created_at,
                       .last_seen_at = s.last_seen_at,
                       .current = s.token_hash == current.session.token_hash};
    if (s.kind == SessionKind::kDashboard) {
      if (!Live(s, now)) continue;  // ended already; the hourly prune removes it
      row.device = domain::ParseUserAgent(s.user_agent);
    } else {
      // A program session lives while its machine holds its slot (domain/machine.hpp), and
      // was last seen at the machine's last heartbeat.
      const auto m = machines.find(s.token_hash);
      if (m == machines.end() || s.expires_at <= now ||
          !domain::HoldsSlot(m->second, now, program_policy_))
        continue;
      row.machine_name = m->second.info.name;
      row.machine_os = m->second.info.os;
      row.address = m->second.address;
      row.last_seen_at = m->second.last_seen_at;
    }
    out.push_back(std::move(row));
  }
  // This session first (as GitHub lists it: last_seen_at is only kept to 5 minutes, so it
  // alone cannot say which is newest), then the most recently active.
  std::ranges::stable_sort(out, [](const SessionListing& a, const SessionListing& b) {
    if (a.current != b.current) return a.current;
    return a.last_seen_at > b.last_seen_at;
  });
  return out;
}

Result<SessionKind> SessionService::SignOut(const Actor& actor, const CurrentUser& current,
                                            std::string_view handle) {
  static constexpr char kGone[] = "This session is not signed in any more.";
  if (!WellFormedHandle(handle)) return Fail(ErrorCode::kNotFound, kGone);
  const Instant now = clock_.Now();
  const UserId user = current.user.id;
  auto uow = store_.Begin(actor);
  // Only among the asker's own sessions: another account's handle is as absent as none.
  std::optional<Session> found;
  for (Session& s : uow->sessions().ListForUser(user))
    if (Handle(s.token_hash) == handle) found = std::move(s);
  if (!found) return Fail(ErrorCode::kNotFound, kGone);
  if (found->token_hash == current.session.token_hash)
    return Fail(ErrorCode::kConflict,
                "This is the session you are using now. To end it, choose Sign out at the top "
                "of the page.");
  bool machine_ended = false;
  if (found->kind == SessionKind::kProgram) {
    // The same path as Settings -> Machines -> Sign out: the slot is free, the program is
    // told why (session_revoked, signed_out_from_dashboard), audited as machine.end.
    const auto machines = MachinesBySession(*uow, user);
    if (const auto m = machines.find(found->token_hash); m != machines.end())
      machine_ended = EndMachine(*uow, m->second, domain::MachineEnd::kSignedOutFromDashboard, now);
  }
  if (!machine_ended) uow->sessions().Delete(found->token_hash);
  uow->Audit("session.delete", fmt::format("user:{}", user.value),
             {{"session", found->token_hash.substr(0, 12)},
              {"kind", KindName(found->kind)},
              {"address", found->address}},
             {{"by", "settings"}});
  uow->Commit();
  return found->kind;
}

EndedSessions EndSessions(UnitOfWork& uow, UserId user, std::string_view keep_hash, Instant now) {
  (void)uow.licenses().FindByUser(user);  // locked until commit
  EndedSessions out;
  for (const domain::Machine& m : uow.machines().Live(user))
    if (m.session_hash != keep_hash)
      out.machines += EndMachine(uow, m, domain::MachineEnd::kSignedOutFromDashboard, now) ? 1 : 0;
  out.sessions = uow.sessions().DeleteForUser(user, keep_hash);
  return out;
}

SignedOutOthers SessionService::SignOutOthers(const Actor& actor, const CurrentUser& current) {
  const Instant now = clock_.Now();
  const UserId user = current.user.id;
  const std::string& kept = current.session.token_hash;
  auto uow = store_.Begin(actor);
  SignedOutOthers out;
  // What the list showed: dashboard sessions still live (idle ones go too, uncounted).
  for (const Session& s : uow->sessions().ListForUser(user))
    if (s.kind == SessionKind::kDashboard && s.token_hash != kept && Live(s, now)) ++out.browsers;
  // Every machine too, as Deactivate license does but without its cooldown.
  const EndedSessions ended = EndSessions(*uow, user, kept, now);
  out.machines = ended.machines;
  if (ended.sessions == 0 && ended.machines == 0) return out;  // rolls back: nothing to record
  uow->Audit("session.delete_others", fmt::format("user:{}", user.value),
             {{"kept", kept.substr(0, 12)}},
             {{"dashboard_sessions", out.browsers}, {"machines_signed_out", out.machines}});
  uow->Commit();
  return out;
}

}  // namespace tenure::app
