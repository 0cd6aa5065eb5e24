// The shared test clock (issue 8): one file, many mappings, many processes.
#include "core/shared_file_clock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.hpp"

namespace tenure {
namespace {

using std::chrono::days;
using std::chrono::hours;

const Instant kStart = *ParseRfc3339("2026-12-01T00:00:00Z");

std::unique_ptr<SharedFileClock> OpenClock(const std::string& path, Instant if_absent = kStart) {
  auto clock = SharedFileClock::Open(path, if_absent);
  EXPECT_TRUE(clock) << clock.error().message;
  return clock ? std::move(*clock) : nullptr;
}

TEST(SharedFileClock, ANewFileHoldsTheGivenInstantAndAnExistingOneKeepsItsOwn) {
  testing::TempDir dir;
  const std::string path = dir.File("clock");
  auto first = OpenClock(path, kStart);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->Now(), kStart);
  EXPECT_EQ(std::filesystem::file_size(path), 16u);
  auto second = OpenClock(path, kStart + days(400));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->Now(), kStart) << "an existing clock file is never reset";
  // Nothing but the clock file is left in the directory (the temporary file is gone).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(SharedFileClock, TwoMappingsOfOneFileSeeEachOthersMoves) {
  testing::TempDir dir;
  auto a = OpenClock(dir.File("clock"));
  auto b = OpenClock(dir.File("clock"));
  ASSERT_TRUE(a && b);
  a->Advance(hours(25));
  EXPECT_EQ(b->Now(), kStart + hours(25));
  b->Set(kStart + days(3));
  EXPECT_EQ(a->Now(), kStart + days(3));
  a->Set(kStart - days(1));  // set may go back; only advance is forward-only
  EXPECT_EQ(b->Now(), kStart - days(1));
}

TEST(SharedFileClock, TheTimeStandsStillBetweenMovesAndOutlivesItsMappings) {
  testing::TempDir dir;
  {
    auto clock = OpenClock(dir.File("clock"));
    ASSERT_NE(clock, nullptr);
    clock->Advance(std::chrono::seconds(90));
    EXPECT_EQ(clock->Now(), clock->Now());
  }
  auto again = OpenClock(dir.File("clock"), kStart + days(9));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Now(), kStart + std::chrono::seconds(90));
}

TEST(SharedFileClock, AnotherProcessMovesIt) {
  testing::TempDir dir;
  auto clock = OpenClock(dir.File("clock"));
  ASSERT_NE(clock, nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Its own mapping, as `tenure clock advance` would have; no gtest in the child.
    auto mine = SharedFileClock::Open(dir.File("clock"), kStart + days(100));
    if (!mine) _exit(2);
    (*mine)->Advance(days(3));
    _exit((*mine)->Now() == kStart + days(3) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  EXPECT_EQ(clock->Now(), kStart + days(3));
}

TEST(SharedFileClock, RefusesWhatIsNotAClockFile) {
  testing::TempDir dir;
  std::ofstream(dir.File("short")) << "2026-12-01";
  std::ofstream(dir.File("wrong-magic")) << "0123456789abcdef";  // 16 bytes, not ours
  std::filesystem::create_directory(dir.File("a-directory"));
  for (const std::string& path :
       {dir.File("short"), dir.File("wrong-magic"), dir.File("a-directory"),
        dir.File("no-such-dir/clock"), std::string()}) {
    auto clock = SharedFileClock::Open(path, kStart);
    ASSERT_FALSE(clock) << path;
    EXPECT_EQ(clock.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(clock.error().message.find("test clock file"), std::string::npos)
        << clock.error().message;
  }
}

TEST(ClockStep, ReadsUnitsAndSums) {
  EXPECT_EQ(ParseClockStep("45s"), std::chrono::seconds(45));
  EXPECT_EQ(ParseClockStep("90m"), std::chrono::minutes(90));
  EXPECT_EQ(ParseClockStep("25h"), hours(25));
  EXPECT_EQ(ParseClockStep("3d"), days(3));
  EXPECT_EQ(ParseClockStep("1d12h"), hours(36));
  EXPECT_EQ(ParseClockStep("0d1s"), std::chrono::seconds(1));
}

TEST(ClockStep, RefusesAnythingElse) {
  for (const char* bad : {"", "5", "h", "-1h", "+1h", "0s", "3x", "1.5h", "1h ", " 1h", "1H",
                          "3d-1h", "99999999999999999999d", "106751991167301d"})
    EXPECT_FALSE(ParseClockStep(bad)) << "'" << bad << "'";
}

}  // namespace
}  // namespace tenure
