#pragma once
// What tenure-agent keeps between runs: the server, this machine's fingerprint, the session
// token, the last verified lease and the JWKS that verified it, so the program can run
// offline until the lease ends. One JSON file, readable by its owner only (mode 0600: the
// token acts as the customer's session), replaced atomically so a crash mid-write never
// leaves half a file.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <string>

namespace tenure::agent {

struct State {
  std::string server;       // the seller's public URL
  std::string fingerprint;  // this machine's, as signed in
  std::string email;        // for messages only
  std::string token;        // empty when signed out
  std::string session_id;
  std::string lease;  // the last lease that verified
  nlohmann::json jwks = nlohmann::json::object();
  int64_t heartbeat_interval_seconds = 0;

  bool SignedIn() const { return !token.empty(); }
};

// The default file: $XDG_STATE_HOME/tenure-agent/state.json, or
// ~/.local/state/tenure-agent/state.json (XDG Base Directory specification).
std::string DefaultStatePath();

// A missing file is an empty State; a file that is not ours (bad JSON) is an error.
std::expected<State, std::string> LoadState(const std::string& path);

// Writes a temporary file beside `path` with mode 0600, syncs it and renames it over `path`
// (rename is atomic on POSIX). Creates the parent folder with mode 0700 when missing.
std::expected<void, std::string> SaveState(const std::string& path, const State& state);

}  // namespace tenure::agent
