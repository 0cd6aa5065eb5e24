// `tenure backup` and `tenure restore` (issue 13): a backup taken while customers keep writing
// is one consistent moment (every ticket in it has its message), and a restore brings exactly
// it back, keeps the database it replaced, and audits itself. Bad input changes nothing.
#include <gmock/gmock.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "journey_helpers.hpp"

namespace tenure::http_test {
namespace {

using ::testing::HasSubstr;

class BackupHttpTest : public PerTestServer {
 protected:
  // No write limit gets in the way of the load.
  BackupHttpTest()
      : PerTestServer({.env = {{"TENURE_RATE_LIMIT_WRITES_PER_ACCOUNT", "1000000"},
                               {"TENURE_RATE_LIMIT_WRITES_PER_ADDRESS", "1000000"}},
                       .demo_customers = 4}) {}

  int64_t Tickets(const std::filesystem::path& db) {
    Database d(db);
    return d.Count("SELECT COUNT(*) FROM tickets");
  }
  // Tickets without their first message: a copy taken mid-transaction would have some.
  int64_t TornTickets(const std::filesystem::path& db) {
    Database d(db);
    return d.Count(
        "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS "
        "(SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id)");
  }
};

TEST_F(BackupHttpTest, ABackupUnderWriteLoadIsConsistentAndARestoreBringsItBack) {
  const std::filesystem::path backup = server().dir() / "backup-1.db";
  std::atomic<bool> stop{false};
  std::atomic<int> written{0}, failed{0};
  std::vector<std::thread> writers;
  for (int k = 1; k <= 4; ++k) {
    writers.emplace_back([&, k] {
      Browser b = SignedIn(Base(), DemoCustomerEmail(k));
      const std::string csrf = SessionCsrf(b);
      for (int i = 0; !stop; ++i) {
        const HttpResponse r = b.Post("/support/tickets", {{"csrf", csrf},
                                                           {"category", "other"},
                                                           {"subject", "Load " + std::to_string(i)},
                                                           {"message", "Written during a backup"}});
        (r.status == 303 ? written : failed)++;
      }
    });
  }
  while (written < 50) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int64_t before = Tickets(server().DatabasePath());
  std::string said;
  ASSERT_TRUE(server().RunCommand({"backup", backup.string()}, &said));
  EXPECT_THAT(said, HasSubstr("backed up"));
  const int at_backup = written;
  while (written < at_backup + 50) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(failed.load(), 0);

  const int64_t in_backup = Tickets(backup);
  const int64_t at_end = Tickets(server().DatabasePath());
  EXPECT_GE(in_backup, before);
  EXPECT_LT(in_backup, at_end) << "the load went on after the backup";
  EXPECT_EQ(TornTickets(backup), 0);
  EXPECT_FALSE(std::filesystem::exists(backup.string() + "-wal")) << "a backup is one file";

  // A second backup to the same name is refused; the first is untouched.
  EXPECT_FALSE(server().RunCommand({"backup", backup.string()}));
  EXPECT_EQ(Tickets(backup), in_backup);

  ASSERT_TRUE(server().Stop());
  // Not a database: refused, nothing changed.
  const std::filesystem::path junk = server().dir() / "junk.db";
  std::ofstream(junk) << "not a database";
  EXPECT_FALSE(server().RunCommand({"restore", junk.string()}));
  EXPECT_EQ(Tickets(server().DatabasePath()), at_end);

  ASSERT_TRUE(server().RunCommand({"restore", backup.string()}, &said));
  EXPECT_THAT(said, HasSubstr("restored"));
  EXPECT_EQ(Tickets(server().DatabasePath()), in_backup);
  Database restored(server().DatabasePath());
  EXPECT_EQ(restored.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'database.restore'"), 1);
  // The database it replaced is kept, whole.
  std::filesystem::path kept;
  for (const auto& entry : std::filesystem::directory_iterator(server().dir()))
    if (entry.path().filename().string().starts_with("tenure.db.before-restore-"))
      kept = entry.path();
  ASSERT_FALSE(kept.empty()) << said;
  EXPECT_EQ(Tickets(kept), at_end);
}

}  // namespace
}  // namespace tenure::http_test
