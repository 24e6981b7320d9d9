# bootstrap.sh - sourced by examples/run.sh, tests/run.sh and .ci/run:
# make sure Debian's packages are there, then configure and build a preset.
#
# As root, missing packages are installed (apt-get update first); otherwise
# the exact apt-get line is printed and the script stops.

FTC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages for building and testing against LLVM 19 (primary) and 14.
FTC_PACKAGES_BUILD="cmake make gcc g++ clang-19 libclang-19-dev llvm-19-dev libcjson-dev python3 python3-dev libsqlite3-dev"
FTC_PACKAGES_LLVM14="clang libclang-dev llvm-dev"
FTC_PACKAGES_TEST="nodejs npm"   # only when no npm command is there already

ftc_missing_packages() {
    local missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    echo "$missing"
}

ftc_ensure_packages() {
    local missing
    missing=$(ftc_missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "ftcheck: installing$missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2 \
            || { echo "ftcheck: apt-get install failed for:$missing" >&2; return 1; }
    else
        echo "ftcheck: missing Debian packages. Install them with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
        return 1
    fi
}

# Node.js may come from another package than Debian's (which then
# conflicts): what the tests need is an npm command.
ftc_ensure_npm() {
    command -v npm >/dev/null 2>&1 || ftc_ensure_packages $FTC_PACKAGES_TEST
}

# Install the SARIF Multitool the output tests validate with (test-only).
ftc_ensure_node_tools() {
    [ -x "$FTC_ROOT/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ] && return 0
    (cd "$FTC_ROOT" && npm ci --silent --no-audit --no-fund >&2) \
        || echo "ftcheck: npm ci failed; SARIF validation tests will be skipped" >&2
}

# ftc_build PRESET: configure (once) and build.
ftc_build() {
    local preset=$1
    (cd "$FTC_ROOT" && cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j "$(nproc)")
}
