// Releases through the app layer (issue 12), on SQLite with a FakeClock: publishing copies the
// files under the releases directory with their size and SHA-256 and a signature the lease
// key verifies; versions are unique and never go backwards by accident; unpublishing hides a
// release; only a usable license may download; download links are for one user, one file and
// ten minutes; a key rotation does not strand old releases' signatures.
#include "app/releases.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/store/licenses.hpp"
#include "app/store/users.hpp"
#include "storage/sql_store.hpp"
#include "support/temp_dir.hpp"

namespace tenure::app {
namespace {

using namespace std::chrono;
using domain::ReleaseChannel;
using domain::ReleaseOs;

const Instant kNow = sys_days(2026y / December / 2) + hours(12);

class ReleasesTest : public ::testing::Test {
 protected:
  ReleasesTest()
      : clock_(kNow),
        store_(storage::OpenStore("sqlite://" + dir_.File("t.db"), clock_)),
        signer_(*store_, clock_, "https://tenure.test", hours(24)),
        releases_(*store_, clock_, signer_, dir_.File("releases"), policy_) {
    store_->Migrate();
    signer_.EnsureKey();
  }

  std::string Build(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  Result<ReleaseView> Publish(const std::string& version,
                              ReleaseChannel channel = ReleaseChannel::kStable,
                              bool allow_older = false) {
    return releases_.Publish(Actor::Cli(), std::nullopt,
                             {.version = version,
                              .channel = channel,
                              .notes = "# " + version,
                              .files = {{.os = ReleaseOs::kWindows,
                                         .path = Build("setup.exe", "MZ" + version),
                                         .file_name = "setup.exe"},
                                        {.os = ReleaseOs::kLinux,
                                         .path = Build("app.tar.gz", "tgz" + version),
                                         .file_name = "app.tar.gz"}},
                              .allow_older = allow_older});
  }
  UserId Customer(std::optional<Instant> expires_at) {
    auto uow = store_->Begin(Actor::Cli());
    const UserId id =
        *uow->users().Insert(domain::User{.email = "c" + std::to_string(++users_) + "@example.com",
                                          .password_hash = "x",
                                          .terms_version = "2026-11-01",
                                          .terms_accepted_at = kNow,
                                          .created_at = kNow});
    uow->licenses().Insert(domain::License{
        .user_id = id, .expires_at = expires_at, .created_at = kNow, .updated_at = kNow});
    uow->Audit("test.setup", "user", nullptr, nullptr);
    uow->Commit();
    return id;
  }

  ::tenure::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<storage::SqlStore> store_;
  domain::LicensePolicy policy_;
  LeaseSigner signer_;
  ReleaseService releases_;
  int users_ = 0;
};

TEST_F(ReleasesTest, PublishingStoresEachFileWithItsSizeHashAndASignatureTheKeyVerifies) {
  auto published = Publish("2.4.1");
  ASSERT_TRUE(published) << published.error().message;
  ASSERT_EQ(published->files.size(), 2U);
  const auto& exe = published->files[0];
  EXPECT_EQ(exe.size, 7);  // "MZ2.4.1"
  // Computed independently: printf 'MZ2.4.1' | sha256sum
  EXPECT_EQ(exe.sha256, "9c26475e3a3ef57fbfc25683723fe0b6b876bb58dc1d847220895ff5943497f7");
  EXPECT_TRUE(std::filesystem::exists(dir_.File("releases") + "/" + exe.stored_name));
  EXPECT_TRUE(std::filesystem::exists(dir_.File("setup.exe"))) << "the command line copies";
  const auto claims = signer_.Verify(exe.signature);
  ASSERT_TRUE(claims);
  EXPECT_EQ(*claims, ReleaseClaims(published->release, exe));
  EXPECT_EQ((*claims)["sha256"], exe.sha256);
  // A changed byte in the signed text fails.
  std::string forged = exe.signature;
  forged[forged.find('.') + 5] ^= 1;
  EXPECT_FALSE(signer_.Verify(forged));
}

TEST_F(ReleasesTest, VersionsAreUniqueAndNeverGoBackwardsByAccident) {
  ASSERT_TRUE(Publish("2.4.1"));
  auto again = Publish("2.4.1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto older = Publish("2.3.9");
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().code, ErrorCode::kConflict);
  EXPECT_NE(older.error().message.find("older than 2.4.1"), std::string::npos);
  EXPECT_TRUE(Publish("2.3.9", ReleaseChannel::kStable, /*allow_older=*/true));
  EXPECT_TRUE(Publish("2.0.0-beta.1", ReleaseChannel::kBeta)) << "channels have their own latest";
  EXPECT_EQ(releases_.Latest(ReleaseChannel::kStable)->release.version, "2.4.1");
  auto bad = Publish("v2.5");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "version");
}

TEST_F(ReleasesTest, UnpublishingHidesAReleaseAndKeepsItsFiles) {
  ASSERT_TRUE(Publish("2.4.0"));
  auto newer = Publish("2.4.1");
  ASSERT_TRUE(newer);
  ASSERT_TRUE(releases_.SetPublished(Actor::Cli(), newer->release.id, false));
  EXPECT_EQ(releases_.Latest(ReleaseChannel::kStable)->release.version, "2.4.0");
  EXPECT_TRUE(std::filesystem::exists(dir_.File("releases") + "/" + newer->files[0].stored_name));
  const UserId user = Customer(kNow + days(10));
  EXPECT_EQ(releases_.Authorize(user, newer->release.id, ReleaseOs::kWindows).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(releases_.SetPublished(Actor::Cli(), newer->release.id, true));
  EXPECT_EQ(releases_.Latest(ReleaseChannel::kStable)->release.version, "2.4.1");
}

TEST_F(ReleasesTest, OnlyAUsableLicenseMayDownload) {
  auto published = Publish("2.4.1");
  ASSERT_TRUE(published);
  const auto id = published->release.id;
  const UserId active = Customer(kNow + days(10));
  const UserId in_grace = Customer(kNow - hours(2));
  const UserId expired = Customer(kNow - days(3));
  const UserId never = Customer(std::nullopt);
  auto ok = releases_.Authorize(active, id, ReleaseOs::kWindows);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(std::filesystem::exists(ok->path));
  EXPECT_TRUE(releases_.Authorize(in_grace, id, ReleaseOs::kLinux));
  EXPECT_EQ(releases_.Authorize(expired, id, ReleaseOs::kWindows).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(releases_.Authorize(never, id, ReleaseOs::kWindows).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(releases_.Authorize(active, id, ReleaseOs::kMacos).error().code, ErrorCode::kNotFound);
  releases_.CountDownload(id, ReleaseOs::kWindows);
  releases_.CountDownload(id, ReleaseOs::kWindows);
  EXPECT_EQ(releases_.List(false)[0].files[0].downloads, 2);
}

TEST_F(ReleasesTest, DownloadLinksAreForOneUserOneFileAndTenMinutes) {
  auto published = Publish("2.4.1");
  ASSERT_TRUE(published);
  const auto id = published->release.id;
  const UserId user = Customer(kNow + days(10));
  const std::string token = releases_.DownloadToken(user, id, ReleaseOs::kWindows, minutes(10));
  EXPECT_EQ(releases_.CheckDownloadToken(token, id, ReleaseOs::kWindows), user);
  EXPECT_FALSE(releases_.CheckDownloadToken(token, id, ReleaseOs::kLinux));
  EXPECT_FALSE(
      releases_.CheckDownloadToken(token, domain::ReleaseId{id.value + 1}, ReleaseOs::kWindows));
  EXPECT_FALSE(releases_.CheckDownloadToken(token + "x", id, ReleaseOs::kWindows));
  EXPECT_FALSE(releases_.CheckDownloadToken(published->files[0].signature, id, ReleaseOs::kWindows))
      << "a release signature is not a download link";
  clock_.Advance(minutes(10));
  EXPECT_FALSE(releases_.CheckDownloadToken(token, id, ReleaseOs::kWindows));
}

TEST_F(ReleasesTest, AKeyRotationDoesNotStrandOldSignatures) {
  auto published = Publish("2.4.1");
  ASSERT_TRUE(published);
  const auto& file = published->files[0];
  EXPECT_EQ(releases_.Signature(published->release, file), file.signature);
  signer_.Rotate(Actor::Cli());
  clock_.Advance(hours(25));  // the old key is no longer published
  const std::string fresh = releases_.Signature(published->release, file);
  EXPECT_NE(fresh, file.signature);
  const auto claims = signer_.Verify(fresh);
  ASSERT_TRUE(claims);
  EXPECT_EQ(*claims, ReleaseClaims(published->release, file));
}

}  // namespace
}  // namespace tenure::app
