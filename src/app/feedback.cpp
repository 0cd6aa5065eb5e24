#include "app/feedback.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tenure::app {

Result<FeedbackInbox> FeedbackService::Inbox(const domain::User& viewer,
                                             const FeedbackFilter& filter) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto read = store_.Read();
  return FeedbackInbox{.rows = read->cancellations().List(filter, viewer.id),
                       .counts = read->cancellations().CountByReason(filter.from, filter.to),
                       .unread = read->cancellations().CountUnread(viewer.id)};
}

int64_t FeedbackService::Unread(const domain::User& viewer) {
  if (!domain::IsStaff(viewer.role)) return 0;
  return store_.Read()->cancellations().CountUnread(viewer.id);
}

Result<void> FeedbackService::MarkRead(const Actor& actor, const domain::User& viewer,
                                       CancellationId id) {
  if (!domain::IsStaff(viewer.role)) return Fail(ErrorCode::kForbidden, "Staff only.");
  auto uow = store_.Begin(actor);
  if (!uow->cancellations().Find(id)) return Fail(ErrorCode::kNotFound, "No such cancellation.");
  uow->cancellations().MarkRead(id, viewer.id, clock_.Now());
  uow->Audit("feedback.read", fmt::format("cancellation:{}", id.value), nullptr,
             {{"staff", viewer.id.value}});
  uow->Commit();
  return {};
}

}  // namespace tenure::app
