#!/usr/bin/env bash
# The test command: installs what the tests need (Debian packages), starts a private PostgreSQL
# and Redis on free loopback ports, runs the whole suite against them, and stops them whatever
# happens. Extra arguments go to `swift test` (e.g. `scripts/test.sh --filter StoreContract`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh

ensure_packages
trap stop_services EXIT INT TERM
start_services
swift build --build-tests
swift test --skip-build "$@"
