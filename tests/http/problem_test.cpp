// The one table from error codes to HTTP (habit 8) and RFC 9457 problem details (issue 8).
#include "http/problem.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tenure::http {
namespace {

TEST(ErrorTable, StatusesAndStableCodes) {
  struct Row {
    ErrorCode code;
    int status;
    std::string_view name;
  };
  for (const Row& row :
       {Row{ErrorCode::kInvalidInput, 422, "invalid_input"},
        Row{ErrorCode::kNotFound, 404, "not_found"}, Row{ErrorCode::kConflict, 409, "conflict"},
        Row{ErrorCode::kUnauthenticated, 401, "unauthenticated"},
        Row{ErrorCode::kForbidden, 403, "forbidden"}, Row{ErrorCode::kCsrf, 403, "csrf"},
        Row{ErrorCode::kRateLimited, 429, "rate_limited"},
        Row{ErrorCode::kUnavailable, 503, "unavailable"}}) {
    EXPECT_EQ(HttpStatus(row.code), row.status) << row.name;
    EXPECT_EQ(HttpErrorFor(row.code).code, row.name);
  }
}

TEST(ErrorTable, ProblemCarriesDetailCodeAndRequestId) {
  const Response res = Problem(Error{ErrorCode::kConflict, "Already done.", "field"}, "req-1");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.content_type, "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(res.body), (nlohmann::json{{"type", "about:blank"},
                                                             {"title", "Conflict"},
                                                             {"status", 409},
                                                             {"detail", "Already done."},
                                                             {"code", "conflict"},
                                                             {"request_id", "req-1"}}));
}

}  // namespace
}  // namespace tenure::http
