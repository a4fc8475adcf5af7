#!/usr/bin/env bash
# Install the Debian packages the test suite drives, only when they are missing.
# chromium: the Playwright browser tests (never `playwright install`).
# postgresql: the store tests run against a real server as well as SQLite.
set -eu
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-deps: need ${missing[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
