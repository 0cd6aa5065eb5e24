// POST /api/v1/checkouts (issue 9): the program reports what it bought, up to 100 at a time,
// idempotent by its own ids. A bad item is named (its index and member) and nothing of the
// report is stored.
#include "app/checkouts.hpp"

#include "app/program.hpp"
#include "http/api/api.hpp"
#include "http/api/bodies.hpp"

namespace tenure::http::api {

Response ReportCheckouts(Context& ctx) {
  auto checkouts = ReadCheckoutReport(ctx.json);
  if (!checkouts)
    return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                          .message = checkouts.error().message,
                                          .field = checkouts.error().field,
                                          .item = checkouts.error().item});
  auto report = ctx.svc.checkouts.Report(ctx.User().id, ctx.program->machine.id, *checkouts);
  if (!report)
    return Refusal(ctx, app::ProgramError{.problem = app::ProgramProblem::kInvalidInput,
                                          .message = report.error().error.message,
                                          .field = report.error().error.field,
                                          .item = report.error().item});
  return Json({{"accepted", report->accepted}, {"duplicates", report->duplicates}});
}

}  // namespace tenure::http::api
