#!/usr/bin/env bash
# Signing in for the benchmarks, as a browser and as the licensed program do. Sourced; the
# script sets url (the server, or the proxy in front of it), work, demo_password and
# bench_name.
#
#   sign_in_browser EMAIL            echoes "Cookie: tenure_session=..." of a new session
#   sign_in_program EMAIL MACHINE    echoes the bearer token of a new program session, its
#                                    machine's fingerprint MACHINE (one instance slot)

# Sign in like a browser does: the sign-in form sets the tenure_csrf cookie and carries the
# same token in a hidden field (double submit).
sign_in_browser() {
  local email="$1" jar="$work/cookies-$1.txt" csrf status session
  curl -sS --fail -c "$jar" -b "$jar" -o "$work/sign-in-$1.html" "$url/sign-in"
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/sign-in-$1.html" | head -n1)"
  [[ -n "$csrf" ]] || { echo "$bench_name: no csrf field on /sign-in" >&2; exit 1; }
  status="$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf=$csrf" --data-urlencode "email=$email" \
    --data-urlencode "password=$demo_password" --data-urlencode "next=/home" "$url/sign-in")"
  case "$status" in
    30[123]\ */home) ;;
    *) echo "$bench_name: sign-in failed: $status" >&2; exit 1 ;;
  esac
  session="$(awk '$6 == "tenure_session" { print $7 }' "$jar" | tail -n1)"
  [[ -n "$session" ]] || { echo "$bench_name: no tenure_session cookie after sign-in" >&2; exit 1; }
  echo "Cookie: tenure_session=$session"
}

# Sign in as the program does (POST /api/v1/sessions): the answer's token, or nothing.
sign_in_program() {
  local email="$1" machine="$2" answer
  answer="$(curl -sS --fail -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$demo_password\",\"machine\":{\"fingerprint\":\"$machine\",\"name\":\"$machine\",\"os\":\"Linux\",\"app_version\":\"1.0.0\"}}" \
    "$url/api/v1/sessions")" || return 1
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$answer"  # the answer has no final newline
}
