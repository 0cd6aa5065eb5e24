#include "search/synonyms.hpp"

namespace tenure::search {

const std::vector<std::vector<std::string_view>>& SynonymGroups() {
  static const std::vector<std::vector<std::string_view>> groups = {
      {"refund", "money back", "reimburse", "reimbursement", "repay", "pay back"},
      {"cancel", "unsubscribe", "stop", "stop auto renew", "stop automatic renewal", "stop paying",
       "stop renewal", "stop subscription", "turn off renewal", "turn off auto renew",
       "end subscription", "quit"},
      {"license", "subscription", "plan", "membership"},
      {"renew", "extend", "renewal", "prolong"},
      {"auto renew", "automatic renewal", "autorenew", "auto renewal", "recurring"},
      {"card", "payment method", "credit card", "debit card"},
      {"mfa", "2fa", "two factor", "multi factor", "totp", "authenticator", "2 step", "two step"},
      {"recovery code", "backup code"},
      {"instance", "machine", "computer", "device", "seat", "pc"},
      {"expire", "expiry", "expiration", "lapse", "run out", "ran out"},
      {"price", "cost", "fee", "how much", "pricing"},
      {"prorate", "proration", "prorated", "partial month"},
      {"ticket", "contact", "support request", "reach support", "talk to"},
      {"password", "passphrase"},
      {"sign in", "log in", "login", "logon", "signin", "sign on"},
      {"sign up", "register", "create account", "signup", "registration"},
      {"sign out", "log out", "logout", "signout"},
      {"dispute", "chargeback", "charge back"},
      {"deactivate", "deactivation", "reset machines"},
      {"grace", "grace period"},
      {"backup", "back up", "restore"},
      {"configuration", "config", "environment variable", "configure"},
      {"postgresql", "postgres", "psql"},
      {"email", "e mail", "mail"},
      {"time zone", "timezone"},
      {"terms", "terms and conditions", "tos", "terms of service"},
      {"download", "installer", "latest version", "latest release"},
      {"discord", "discord account", "discord server"},
      {"role", "roles", "rank"},
      {"charge", "bill", "billed", "charged", "payment", "pay"},
      {"months", "monthly", "month", "per month", "a month"},
      {"stripe", "payment processor"},
      {"bind", "link", "connect", "binding"},
      {"how long", "length", "duration"},
      {"store", "save", "remember"},
      // Not only our words: docs of any product talk about speed and errors like this.
      {"fast", "faster", "speed", "performance", "benchmark", "quick"},
      {"error", "exception"},
  };
  return groups;
}

}  // namespace tenure::search
