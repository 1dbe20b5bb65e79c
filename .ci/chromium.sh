# Sourced by .ci/test: Debian's Chromium for the docs browser check (tests/test_browser.py).
# Idempotent and quiet: apt runs only when /usr/bin/chromium is missing, its output goes to
# a log that is shown only if the install fails. Playwright (test extra) drives this binary;
# no browser is ever downloaded.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "chromium is missing and this is not root: run 'apt-get install -y chromium' first" >&2
        exit 1
    fi
    echo "== installing chromium (apt)"
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq chromium; } >"$log" 2>&1; then
        cat "$log" >&2
        exit 1
    fi
    rm -f "$log"
fi
