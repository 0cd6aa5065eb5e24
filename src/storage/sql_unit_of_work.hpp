#pragma once
// The UnitOfWork over SQL: one pooled connection, one transaction, the repositories
// (storage/repos/) sharing it.
#include <memory>
#include <optional>

#include "app/store/actor.hpp"
#include "app/store/unit_of_work.hpp"
#include "core/clock.hpp"
#include "storage/connection.hpp"

namespace tenure::storage {

// With an actor: a read-write transaction, begun at once, rolled back unless committed.
// Without: a read-only unit of work whose reads run without BEGIN.
std::unique_ptr<app::UnitOfWork> OpenUnitOfWork(ConnectionPool::Lease lease, const Clock& clock,
                                                std::optional<app::Actor> actor);

}  // namespace tenure::storage
