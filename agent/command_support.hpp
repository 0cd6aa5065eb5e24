#pragma once
// What the tenure-agent commands (commands.cpp, update_check.cpp) share: the session a
// command works in, and how a failure becomes an Outcome with its exit code.
#include <nlohmann/json.hpp>

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "client.hpp"
#include "commands.hpp"
#include "state.hpp"

namespace tenure::agent {

// The state file a command read and the client of its server.
struct Session {
  std::string path;
  State state;
  Client client;
};

// A failed outcome: the line, and the same as JSON with `error` for the details.
Outcome Fail(int exit_code, std::string line, nlohmann::json error = nlohmann::json::object());
// The value of --key, or "" when it was not given.
std::string Value(const Invocation& inv, const std::string& key);
// The exit code and line an Error of the client means (the contract's stable codes).
Outcome FromError(const Error& error);

// Reads the state file; `need_token`: refuses (exit 4) when not signed in.
std::expected<Session, Outcome> Open(const Invocation& inv, bool need_token);
std::optional<Outcome> Save(const Session& s);
// A JWS the server just sent whose kid the cached JWKS lacks (a key rotation, or the first
// lease) fetches the keys once. No answer from /keys is "unreachable", not a bad signature.
std::optional<Outcome> RefreshKeysFor(Session& s, std::string_view jws);
// A refusal that ends the session (401) forgets the token and the lease: they are no
// longer ours to use. A refused license (403) forgets the lease only.
Outcome Refused(Session& s, const Error& error);

}  // namespace tenure::agent
