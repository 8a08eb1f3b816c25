# Finds the stockschool executable for the operations scripts: $STOCKSCHOOL_BIN, then the one on
# PATH, then the newer of this checkout's release and debug builds (a release build is made if
# there is neither).
stockschool_bin() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    if [[ -n "${STOCKSCHOOL_BIN:-}" ]]; then
        echo "$STOCKSCHOOL_BIN"
    elif command -v stockschool >/dev/null 2>&1; then
        command -v stockschool
    elif [[ -x "$root/.build/release/stockschool" || -x "$root/.build/debug/stockschool" ]]; then
        # The newer build: a developer's fresh debug build beats last week's release one.
        if [[ "$root/.build/debug/stockschool" -nt "$root/.build/release/stockschool" ]]; then
            echo "$root/.build/debug/stockschool"
        else
            echo "$root/.build/release/stockschool"
        fi
    else
        echo "building stockschool (swift build -c release)…" >&2
        (cd "$root" && swift build -c release --product stockschool >&2) || return 1
        echo "$root/.build/release/stockschool"
    fi
}
