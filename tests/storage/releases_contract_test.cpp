// The storage contract of issue 12's releases (migration 0011; ENGINEERING.md habit 6), on
// SQLite and PostgreSQL: every field round-trips, a version is published once (a second is
// refused without spoiling the transaction), one file per release and OS, the newest first
// with the unpublished hidden unless asked for, unpublishing both ways, downloads counted by
// two writers at once without losing one, and files gone with their release.
// PostgreSQL runs in a schema of its own inside TENURE_TEST_POSTGRES_URL's database.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/store/actor.hpp"
#include "app/store/releases.hpp"
#include "storage/postgres/postgres_connection.hpp"
#include "storage/sql_store.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "test_database.hpp"

namespace tenure::storage {
namespace {

using namespace std::chrono;
using app::Actor;
using domain::Release;
using domain::ReleaseChannel;
using domain::ReleaseFile;
using domain::ReleaseId;
using domain::ReleaseOs;

const Instant kNow = sys_days(2027y / June / 14) + hours(16);

class ReleasesContract : public StoreContract {
 protected:
  ReleasesContract() : StoreContract("releases_contract", kNow) {}

  std::optional<ReleaseId> Insert(const Release& release) {
    return Write([&](app::UnitOfWork& uow) { return uow.releases().Insert(release); });
  }

  // A release published from the command line at `at`, with no files yet.
  ReleaseId Publish(const std::string& version, Instant at,
                    ReleaseChannel channel = ReleaseChannel::kStable) {
    const auto id = Insert(Release{.version = version, .channel = channel, .published_at = at});
    EXPECT_TRUE(id) << version;
    return id.value_or(ReleaseId{});
  }

  void AddFile(const ReleaseFile& file) {
    Write([&](app::UnitOfWork& uow) {
      uow.releases().InsertFile(file);
      return 0;
    });
  }

  std::optional<Release> Find(ReleaseId id) { return store_->Read()->releases().Find(id); }
  std::optional<ReleaseFile> FindFile(ReleaseId id, ReleaseOs os) {
    return store_->Read()->releases().FindFile(id, os);
  }

  std::vector<std::string> Versions(bool include_unpublished, int limit) {
    std::vector<std::string> out;
    for (const Release& r : store_->Read()->releases().List(include_unpublished, limit))
      out.push_back(r.version);
    return out;
  }

  // A connection of its own, outside the store's pool: another server, or a DBA.
  std::unique_ptr<Connection> OpenRaw() {
    const std::string& url = db_->url();
    if (url.starts_with("sqlite://"))
      return OpenSqlite(url.substr(std::string("sqlite://").size()));
    return OpenPostgres(url);
  }
};

// A file as publishing stores it, named after its release and system.
ReleaseFile File(ReleaseId release, ReleaseOs os) {
  const std::string name =
      "tenure-" + std::to_string(release.value) + "-" + std::to_string(static_cast<int>(os));
  return ReleaseFile{.release_id = release,
                     .os = os,
                     .file_name = name + ".bin",
                     .stored_name = name + ".stored",
                     .size = 1000 + static_cast<int>(os),
                     .sha256 = std::string(64, 'a'),
                     .signature = "eyJhbGciOiJFZERTQSJ9.e30.sig"};
}

void ExpectSameRelease(const Release& got, const Release& want) {
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.channel, want.channel);
  EXPECT_EQ(got.notes, want.notes);
  EXPECT_EQ(got.published_by, want.published_by);
  EXPECT_EQ(got.published_at, want.published_at);
  EXPECT_EQ(got.unpublished_at, want.unpublished_at);
}

void ExpectSameFile(const ReleaseFile& got, const ReleaseFile& want) {
  EXPECT_EQ(got.release_id, want.release_id);
  EXPECT_EQ(got.os, want.os);
  EXPECT_EQ(got.file_name, want.file_name);
  EXPECT_EQ(got.stored_name, want.stored_name);
  EXPECT_EQ(got.size, want.size);
  EXPECT_EQ(got.sha256, want.sha256);
  EXPECT_EQ(got.signature, want.signature);
  EXPECT_EQ(got.downloads, want.downloads);
}

TEST_P(ReleasesContract, EveryFieldRoundTripsFoundByIdOrVersion) {
  const UserId admin = NewUser("admin@example.com");
  Release release{.version = "2.0.0-rc.1+build.5",
                  .channel = ReleaseChannel::kBeta,
                  .notes = "## Café ✓\n\n- Faster *sync*\n- \"Quotes\" & <tags>\n",
                  .published_by = admin,
                  .published_at = kNow - hours(2),
                  .unpublished_at = kNow - minutes(5)};
  const auto id = Insert(release);
  ASSERT_TRUE(id);
  release.id = *id;

  const auto by_id = Find(*id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->id, *id);
  ExpectSameRelease(*by_id, release);
  const auto by_version = store_->Read()->releases().FindByVersion("2.0.0-rc.1+build.5");
  ASSERT_TRUE(by_version);
  EXPECT_EQ(by_version->id, *id);
  ExpectSameRelease(*by_version, release);

  // From the command line: no account, notes left empty, still published.
  const Release plain{.version = "1.4.2", .published_at = kNow};
  const auto plain_id = Insert(plain);
  ASSERT_TRUE(plain_id);
  ExpectSameRelease(*Find(*plain_id), plain);
  EXPECT_FALSE(Find(*plain_id)->published_by);

  // Every field of a file, a size past 4 GiB and a count carried over included.
  const ReleaseFile file{
      .release_id = *id,
      .os = ReleaseOs::kMacos,
      .file_name = "Tenure 2.0.0-rc.1 (Apple Silicon).dmg",
      .stored_name = "2.0.0-rc.1/3f2a9c-macos.dmg",
      .size = int64_t{5} << 32,
      .sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      .signature = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzaGEyNTYiOiI5ZiJ9.c2ln",
      .downloads = 7};
  AddFile(file);
  const auto got = FindFile(*id, ReleaseOs::kMacos);
  ASSERT_TRUE(got);
  ExpectSameFile(*got, file);
  ASSERT_EQ(store_->Read()->releases().Files(*id).size(), 1u);
  ExpectSameFile(store_->Read()->releases().Files(*id).front(), file);

  EXPECT_FALSE(Find(ReleaseId{id->value + plain_id->value + 1}));
  EXPECT_FALSE(store_->Read()->releases().FindByVersion("2.0.0-rc.1"));
  EXPECT_FALSE(store_->Read()->releases().FindByVersion("2.0.0"));
}

TEST_P(ReleasesContract, APublishedVersionIsRefusedAndTheRestOfTheTransactionCommits) {
  const ReleaseId first = Publish("1.0.0", kNow - days(1));

  // PostgreSQL aborts a transaction on a unique violation: the refusals must not, or 1.1.0
  // and its file below (same unit of work) would fail to commit.
  const auto [same, other_channel, fine] = Write([&](app::UnitOfWork& uow) {
    const auto again = uow.releases().Insert(Release{.version = "1.0.0", .published_at = kNow});
    const auto beta = uow.releases().Insert(Release{
        .version = "1.0.0", .channel = ReleaseChannel::kBeta, .notes = "x", .published_at = kNow});
    const auto next = uow.releases().Insert(Release{.version = "1.1.0", .published_at = kNow});
    if (next) uow.releases().InsertFile(File(*next, ReleaseOs::kLinux));
    return std::tuple{again, beta, next};
  });
  EXPECT_FALSE(same) << "1.0.0 is published already";
  EXPECT_FALSE(other_channel) << "a version is published once, whatever its channel";
  ASSERT_TRUE(fine);

  const auto kept = Find(first);
  EXPECT_EQ(kept->channel, ReleaseChannel::kStable);
  EXPECT_EQ(kept->notes, "");
  EXPECT_EQ(kept->published_at, kNow - days(1));
  EXPECT_EQ(store_->Read()->releases().FindByVersion("1.1.0")->id, *fine);
  EXPECT_TRUE(FindFile(*fine, ReleaseOs::kLinux));
  EXPECT_EQ(Versions(true, 10), (std::vector<std::string>{"1.1.0", "1.0.0"}));
}

TEST_P(ReleasesContract, EachReleaseHasOneFilePerOsListedWindowsMacosLinux) {
  const ReleaseId one = Publish("1.0.0", kNow - days(2));
  const ReleaseId two = Publish("2.0.0", kNow);
  // Stored in another order than they are listed in.
  AddFile(File(one, ReleaseOs::kLinux));
  AddFile(File(one, ReleaseOs::kWindows));
  AddFile(File(one, ReleaseOs::kMacos));
  AddFile(File(two, ReleaseOs::kWindows));

  auto systems = [&](ReleaseId id) {
    std::vector<ReleaseOs> out;
    for (const ReleaseFile& f : store_->Read()->releases().Files(id)) {
      EXPECT_EQ(f.release_id, id);
      ExpectSameFile(f, File(id, f.os));
      out.push_back(f.os);
    }
    return out;
  };
  EXPECT_EQ(systems(one),
            (std::vector<ReleaseOs>{ReleaseOs::kWindows, ReleaseOs::kMacos, ReleaseOs::kLinux}));
  EXPECT_EQ(systems(two), std::vector<ReleaseOs>{ReleaseOs::kWindows});
  EXPECT_EQ(systems(ReleaseId{two.value + 1}), std::vector<ReleaseOs>{});

  ExpectSameFile(*FindFile(two, ReleaseOs::kWindows), File(two, ReleaseOs::kWindows));
  EXPECT_FALSE(FindFile(two, ReleaseOs::kMacos)) << "2.0.0 has no macOS build";
  EXPECT_FALSE(FindFile(two, ReleaseOs::kLinux));

  // A second file for the same release and system is a bug in the caller, not a refusal.
  auto uow = store_->Begin(Actor::Cli());
  EXPECT_THROW(uow->releases().InsertFile(File(one, ReleaseOs::kLinux)), UniqueViolation);
}

TEST_P(ReleasesContract, ListIsNewestFirstAndShowsTheUnpublishedOnlyWhenAsked) {
  Publish("1.0.0", kNow - days(30));
  Publish("1.1.0-beta.1", kNow - days(20), ReleaseChannel::kBeta);
  const ReleaseId hidden = Publish("1.1.0", kNow - days(10));
  // Published in the same second: the one recorded last comes first.
  Publish("1.1.1", kNow - days(1));
  Publish("1.1.2", kNow - days(1));
  ASSERT_TRUE(Write(
      [&](app::UnitOfWork& uow) { return uow.releases().SetUnpublished(hidden, kNow - days(2)); }));

  EXPECT_EQ(Versions(false, 10),
            (std::vector<std::string>{"1.1.2", "1.1.1", "1.1.0-beta.1", "1.0.0"}));
  EXPECT_EQ(Versions(true, 10),
            (std::vector<std::string>{"1.1.2", "1.1.1", "1.1.0", "1.1.0-beta.1", "1.0.0"}));
  EXPECT_EQ(Versions(false, 3), (std::vector<std::string>{"1.1.2", "1.1.1", "1.1.0-beta.1"}));
  EXPECT_EQ(Versions(true, 3), (std::vector<std::string>{"1.1.2", "1.1.1", "1.1.0"}));
  EXPECT_EQ(Versions(true, 0), std::vector<std::string>{});
}

TEST_P(ReleasesContract, UnpublishingHidesAndRepublishingShowsKeepingTheFiles) {
  const ReleaseId id = Publish("3.0.0", kNow - hours(1));
  const ReleaseId other = Publish("2.9.0", kNow - days(1));
  AddFile(File(id, ReleaseOs::kWindows));
  auto set = [&](ReleaseId release, std::optional<Instant> at) {
    return Write([&](app::UnitOfWork& uow) { return uow.releases().SetUnpublished(release, at); });
  };

  EXPECT_TRUE(set(id, kNow));
  EXPECT_EQ(Find(id)->unpublished_at, kNow);
  EXPECT_FALSE(Find(other)->unpublished_at);
  EXPECT_EQ(Versions(false, 10), std::vector<std::string>{"2.9.0"});
  ExpectSameFile(*FindFile(id, ReleaseOs::kWindows), File(id, ReleaseOs::kWindows));

  EXPECT_TRUE(set(id, std::nullopt));
  EXPECT_FALSE(Find(id)->unpublished_at);
  EXPECT_EQ(Find(id)->published_at, kNow - hours(1)) << "published as it was";
  EXPECT_EQ(Versions(false, 10), (std::vector<std::string>{"3.0.0", "2.9.0"}));

  EXPECT_FALSE(set(ReleaseId{id.value + other.value + 1}, kNow)) << "no such release";
}

// Each download is one UPDATE ... SET downloads = downloads + 1: two units of work counting at
// once (two servers, or two requests on one) both count, where a read then a write would
// lose one.
TEST_P(ReleasesContract, ConcurrentDownloadsAreAllCounted) {
  const ReleaseId id = Publish("1.0.0", kNow);
  AddFile(File(id, ReleaseOs::kWindows));
  AddFile(File(id, ReleaseOs::kLinux));
  auto count_once = [&] {
    auto uow = store_->Begin(Actor::Anonymous("req", "127.0.0.1"));
    uow->releases().CountDownload(id, ReleaseOs::kWindows);
    uow->Commit();  // a counter needs no audit row
  };

  // The first holds its unit of work open while the second counts and commits.
  {
    auto first = store_->Begin(Actor::Anonymous("req-1", "127.0.0.1"));
    first->releases().CountDownload(id, ReleaseOs::kWindows);
    std::thread second(count_once);
    first->Commit();
    second.join();
  }
  EXPECT_EQ(FindFile(id, ReleaseOs::kWindows)->downloads, 2);

  constexpr int kEach = 40;
  auto many = [&] {
    for (int i = 0; i < kEach; ++i) count_once();
  };
  std::thread a(many), b(many);
  a.join();
  b.join();
  EXPECT_EQ(FindFile(id, ReleaseOs::kWindows)->downloads, 2 + 2 * kEach);
  EXPECT_EQ(FindFile(id, ReleaseOs::kLinux)->downloads, 0) << "another system's count";

  EXPECT_THROW(store_->Read()->releases().CountDownload(id, ReleaseOs::kLinux), std::logic_error)
      << "a read-only unit of work writes nothing";
}

TEST_P(ReleasesContract, DeletingAReleaseDeletesItsFiles) {
  const ReleaseId gone = Publish("1.0.0", kNow - days(1));
  const ReleaseId kept = Publish("1.0.1", kNow);
  for (const ReleaseOs os : domain::kAllOs) {
    AddFile(File(gone, os));
    AddFile(File(kept, os));
  }
  static constexpr Query kDelete{"test.delete_release", "DELETE FROM releases WHERE id = $1"};
  storage::Run(*OpenRaw(), kDelete, {gone.value});

  EXPECT_FALSE(Find(gone));
  EXPECT_EQ(store_->Read()->releases().Files(gone).size(), 0u);
  EXPECT_FALSE(FindFile(gone, ReleaseOs::kWindows));
  EXPECT_EQ(store_->Read()->releases().Files(kept).size(), 3u);
  static constexpr Query kCount{"test.count_files", "SELECT COUNT(*) FROM release_files"};
  EXPECT_EQ(storage::Run(*OpenRaw(), kCount).rows.at(0).Int(0), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReleasesContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tenure::storage
