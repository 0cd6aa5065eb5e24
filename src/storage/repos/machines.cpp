#include "storage/repos/machines.hpp"

#include <stdexcept>
#include <string>

#include "storage/repos/licenses.hpp"
#include "storage/repos/sessions.hpp"
#include "storage/repos/users.hpp"

namespace tenure::storage {

using domain::Machine;

Machine ToMachine(const Row& r) {
  std::optional<domain::MachineEnd> end;
  if (!r.IsNull(11)) {
    end = domain::ParseMachineEnd(r.Text(11));
    // The CHECK constraint allows only known words: another one is a damaged database.
    if (!end) throw std::runtime_error("machines.end_reason holds '" + r.Text(11) + "'");
  }
  return Machine{.id = domain::MachineId{r.Int(0)},
                 .user_id = UserId{r.Int(1)},
                 .session_hash = r.Text(2),
                 .info = {.fingerprint = r.Text(3),
                          .name = r.Text(4),
                          .os = r.Text(5),
                          .app_version = r.Text(6)},
                 .address = r.Text(7),
                 .signed_in_at = FromUnix(r.Int(8)),
                 .last_seen_at = FromUnix(r.Int(9)),
                 .ended_at = OptInstant(r, 10),
                 .end = end};
}

domain::MachineId SqlMachines::Insert(const Machine& m) {
  static constexpr Query q{
      "machines.insert",
      "INSERT INTO machines (user_id, session_hash, fingerprint, name, os, app_version, "
      "address, signed_in_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING id"};
  auto res = Run(writer(), q,
                 {m.user_id.value, m.session_hash, m.info.fingerprint, m.info.name, m.info.os,
                  m.info.app_version, m.address, ToUnix(m.signed_in_at), ToUnix(m.last_seen_at)});
  return domain::MachineId{res.rows.at(0).Int(0)};
}

std::optional<Machine> SqlMachines::Find(domain::MachineId id) {
  static constexpr Query q{"machines.find",
                           "SELECT " TENURE_MACHINE_COLUMNS " FROM machines WHERE id = $1"};
  return ReadFirst(Run(conn(), q, {id.value}), ToMachine);
}

std::optional<app::MachineSession> SqlMachines::FindSession(std::string_view session_hash,
                                                            Instant seen_after) {
  // Each table's own column list in a derived table, so that each reader (ToMachine,
  // ToSession...) gets its columns in order; both planners flatten them into plain joins on
  // primary and unique keys.
  static constexpr Query q{
      "machines.find_session",
      "SELECT m.*, s.*, u.*, l.*, (SELECT COUNT(*) FROM machines c WHERE c.user_id = m.user_id "
      "AND c.ended_at IS NULL AND c.last_seen_at > $2) "
      "FROM (SELECT " TENURE_MACHINE_COLUMNS
      " FROM machines WHERE session_hash = $1) m "
      "LEFT JOIN (SELECT " TENURE_SESSION_COLUMNS
      " FROM sessions) s "
      "ON s.token_hash = m.session_hash "
      "LEFT JOIN (SELECT " TENURE_USER_COLUMNS
      " FROM users) u ON u.id = m.user_id "
      "LEFT JOIN (SELECT " TENURE_LICENSE_COLUMNS " FROM licenses) l ON l.user_id = m.user_id"};
  auto result = Run(conn(), q, {std::string(session_hash), ToUnix(seen_after)});
  if (result.rows.empty()) return std::nullopt;
  Row& r = result.rows.front();
  size_t at = 0;
  // The columns of a LEFT JOIN's missing row are all NULL; its first is its key.
  auto next = [&](size_t count) {
    Row part = TakeColumns(r, at, count);
    at += count;
    return part;
  };
  app::MachineSession out{.machine = ToMachine(next(kMachineColumns))};
  if (Row s = next(kSessionColumns); !s.IsNull(0)) out.session = ToSession(s);
  if (Row u = next(kUserColumns); !u.IsNull(0)) out.user = ToUser(u);
  if (Row l = next(kLicenseColumns); !l.IsNull(0)) out.license = ToLicense(l);
  out.machines_in_use = static_cast<int>(r.Int(at));
  return out;
}

std::vector<Machine> SqlMachines::Live(UserId user) {
  static constexpr Query q{"machines.live",
                           "SELECT " TENURE_MACHINE_COLUMNS
                           " FROM machines WHERE user_id = $1 AND ended_at IS NULL "
                           "ORDER BY last_seen_at DESC, id DESC"};
  return ReadAll(Run(conn(), q, {user.value}), ToMachine);
}

std::vector<Machine> SqlMachines::Ended(UserId user, int limit) {
  static constexpr Query q{"machines.ended",
                           "SELECT " TENURE_MACHINE_COLUMNS
                           " FROM machines WHERE user_id = $1 AND ended_at IS NOT NULL "
                           "ORDER BY ended_at DESC, id DESC LIMIT $2"};
  return ReadAll(Run(conn(), q, {user.value, int64_t{limit}}), ToMachine);
}

bool SqlMachines::End(domain::MachineId id, Instant at, domain::MachineEnd end) {
  static constexpr Query q{
      "machines.end",
      "UPDATE machines SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL"};
  return Run(writer(), q, {id.value, ToUnix(at), std::string(domain::MachineEndName(end))})
             .affected == 1;
}

std::vector<Machine> SqlMachines::LapsedBefore(Instant cutoff, int limit) {
  static constexpr Query q{"machines.lapsed",
                           "SELECT " TENURE_MACHINE_COLUMNS
                           " FROM machines WHERE ended_at IS NULL AND last_seen_at <= $1 "
                           "ORDER BY last_seen_at, id LIMIT $2"};
  return ReadAll(Run(conn(), q, {ToUnix(cutoff), int64_t{limit}}), ToMachine);
}

void SqlMachines::Touch(domain::MachineId id, Instant now, Instant stale) {
  static constexpr Query q{"machines.touch",
                           "UPDATE machines SET last_seen_at = $2 WHERE id = $1 AND "
                           "ended_at IS NULL AND last_seen_at <= $3"};
  Run(unaudited_writer(), q, {id.value, ToUnix(now), ToUnix(stale)});
}

}  // namespace tenure::storage
