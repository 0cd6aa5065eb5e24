#!/usr/bin/env bash
# Password strength (issue 10): the share of common passwords refused and of strong ones
# accepted at the threshold in use (domain::kMinPasswordEntropyBits), on a tuning half and a
# held-out half (bench/password/strength_bench.cpp says how they are made and how the
# threshold is picked). The lists come from @zxcvbn-ts/language-common (package.json's
# devDependencies; `npm ci` installs it).
#
# Usage: bench/password_strength.sh [--tuning-only]
# Results are recorded in BENCHMARKS.md ("Password strength (issue 10)").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lists="$repo/node_modules/@zxcvbn-ts/language-common"
[[ -f "$lists/src/passwords.json" ]] || { echo "bench/password_strength.sh: no $lists (run npm ci)" >&2; exit 2; }

ninja -C "$repo/build" -j2 --quiet password_strength_bench
version=$(node -p "JSON.parse(require('fs').readFileSync('$lists/package.json')).version")
echo "lists: @zxcvbn-ts/language-common $version (src/passwords.json, src/diceware.json)"
"$repo/build/tests/password_strength_bench" "$lists/src/passwords.json" "$lists/src/diceware.json" "$@"
