#pragma once
// Real peers for the Stripe tests (ENGINEERING.md habit 13), run by node as child processes
// on loopback: Stripe's API (stripe-stateful-mock, tests/support/stripe_mock.mjs), a scripted
// flaky server (tests/support/stripe_flaky.mjs), and the official SDK's webhook signer
// (tests/support/stripe_sign.mjs).
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace tenure::testing {

// A node script that prints "PORT <n>" first and serves until SIGTERM.
class NodePeer {
 public:
  // `script` is relative to the repository.
  NodePeer(const std::string& script, std::vector<std::string> args);
  ~NodePeer();
  NodePeer(const NodePeer&) = delete;
  NodePeer& operator=(const NodePeer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Stripe's API: stripe-stateful-mock with the routes it lacks (see the script).
class StripeMock : public NodePeer {
 public:
  StripeMock() : NodePeer("tests/support/stripe_mock.mjs", {"--port", "0"}) {}
};

// Answers by `script` ("500,200", "429:retry-after=1,200", "drop,200", ...) and logs requests.
class FlakyStripe {
 public:
  explicit FlakyStripe(const std::string& script);
  int port() const { return peer_.port(); }
  std::string url() const { return peer_.url(); }
  // One object per request received: method, path, authorization, idempotency_key,
  // stripe_version, content_type, body.
  std::vector<nlohmann::json> Requests() const;

 private:
  TempDir dir_;
  NodePeer peer_;
};

// The Stripe-Signature header the official SDK makes for `payload` at `timestamp`: one
// signature per secret, in order, under `scheme`.
std::string SignWithStripeSdk(const std::string& payload, const std::vector<std::string>& secrets,
                              int64_t timestamp, const std::string& scheme = "v1");

}  // namespace tenure::testing
