#pragma once
// The composition of the app (ENGINEERING.md habit 9): config, store and clock in, every
// service `serve` and `renew-due` run on out, built once in dependency order. serve.cpp adds
// HTTP and the jobs on top; nothing else builds objects that live for the whole process.
#include <memory>

#include "app/account_security.hpp"
#include "app/accounts.hpp"
#include "app/billing.hpp"
#include "app/checkouts.hpp"
#include "app/discord.hpp"
#include "app/feedback.hpp"
#include "app/leases.hpp"
#include "app/licenses.hpp"
#include "app/machines.hpp"
#include "app/program.hpp"
#include "app/releases.hpp"
#include "app/renewal.hpp"
#include "app/reports.hpp"
#include "app/sessions.hpp"
#include "app/staff.hpp"
#include "app/support.hpp"
#include "app/two_factor.hpp"
#include "config.hpp"
#include "core/clock.hpp"
#include "integrations/stripe/stripe_webhooks.hpp"
#include "storage/sql_store.hpp"

namespace tenure::cli {

struct AppServices {
  AppServices(const Config& config, storage::SqlStore& store, const Clock& clock);
  AppServices(const AppServices&) = delete;
  AppServices& operator=(const AppServices&) = delete;

  const app::EmailContext email;
  const app::PasswordHasher hasher;
  app::AccountService accounts;
  // Password reset and change, email verification, two-factor (issue 10).
  app::AccountSecurityService security;
  app::TwoFactorService two_factor;
  app::LicenseService licenses;
  app::StaffService staff;
  app::ReportService reports;  // the business figures (issue 14)
  app::RenewalService renewal;
  app::SupportService support;
  app::FeedbackService feedback;
  // The offline provider (Stripe's test cards, no network) unless Stripe is configured
  // (issue 4).
  const std::unique_ptr<app::PaymentGateway> gateway;
  app::BillingService billing;
  // Stripe's webhooks (issue 4), only with the Stripe provider: the endpoint verifies and
  // stores events; a worker in `serve` applies them by re-reading Stripe's state.
  const std::unique_ptr<integrations::StripeWebhooks> stripe_webhooks;
  // The program's API (issue 9).
  app::LeaseSigner leases;
  // Releases (issue 12), signed with the lease key.
  app::ReleaseService releases;
  app::ProgramService program;
  app::MachineService machines;
  // Discord (issue 11); both null unless discord.client_id is set.
  const std::unique_ptr<app::DiscordApi> discord_api;
  const std::unique_ptr<app::DiscordService> discord;
  app::CheckoutService checkouts;
  // Settings -> Sessions (issue 10 item 5).
  app::SessionService sessions;
};

}  // namespace tenure::cli
