#pragma once
// Every storage interface at once, for tests and tools. Production code includes the narrow
// headers under app/store/ that it uses (issue 8): this one rebuilds with every domain header.
#include "app/store/actor.hpp"
#include "app/store/audit_log.hpp"
#include "app/store/cancellations.hpp"
#include "app/store/charges.hpp"
#include "app/store/checkouts.hpp"
#include "app/store/license_grants.hpp"
#include "app/store/licenses.hpp"
#include "app/store/machines.hpp"
#include "app/store/outbox.hpp"
#include "app/store/payments.hpp"
#include "app/store/sessions.hpp"
#include "app/store/signing_keys.hpp"
#include "app/store/stripe_events.hpp"
#include "app/store/tickets.hpp"
#include "app/store/unit_of_work.hpp"
#include "app/store/users.hpp"
