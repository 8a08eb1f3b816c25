#!/usr/bin/env bash
# The operations manual's performance check (每日检查清单 step 3), over `stockschool perf`.
# Arguments are passed on: --json, --url URL, --no-api, --interval S, --config FILE, --store URL.
# Exit code: 0 ok, 1 warning, 2 critical.
set -uo pipefail
. "$(dirname "$0")/../lib/binary.sh"
bin="$(stockschool_bin)" || exit 2
exec "$bin" perf "$@"
