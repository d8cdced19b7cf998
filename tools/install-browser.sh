#!/usr/bin/env bash
# Install what the real-browser tests (and `make book`'s offline-render check) need:
# Debian's Chromium and the Nanum fonts (Korean text in the page). Idempotent: does
# nothing when both are present. Needs apt-get and root (or sudo); where it cannot
# install, it says why and exits 1, and the browser tests skip with that reason.
#
#     tools/install-browser.sh          # used by `make browser-deps`, `make test`, .ci/run
set -u

have_chromium() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }
have_nanum() { fc-list 2>/dev/null | grep -qi nanum || ls /usr/share/fonts/truetype/nanum/*.ttf >/dev/null 2>&1; }

if have_chromium && have_nanum; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install Chromium and a Korean font (Nanum) yourself." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "install-browser: not root and no password-less sudo; run: sudo apt-get install chromium fonts-nanum" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || { echo "install-browser: apt-get update failed" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-nanum fontconfig >/dev/null \
    || { echo "install-browser: apt-get install chromium fonts-nanum failed" >&2; exit 1; }
have_chromium && have_nanum
