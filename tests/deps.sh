#!/bin/sh
# tests/deps.sh -- the test tools: what `make test` needs beyond what building and
# running need (`make deps`).  `make test-deps` runs it with `install`; `make test` runs
# it with `ensure`, which installs only when a tool is missing.
#
#   sh tests/deps.sh missing PKG...   prints the Debian packages of PKG... whose tool is missing
#   sh tests/deps.sh install PKG...   apt-get installs PKG... (as root, or through sudo),
#                                     npm when there is none, and playwright-core in tests/browser
#   sh tests/deps.sh ensure PKG...    installs only what `missing` names (nothing when all is there)
#
# PKG... is the Makefile's TEST_PKGS.  Each package is known here by a tool it brings
# (postgresql by /usr/lib/postgresql/*/bin/initdb, tests/cli/pg.sh).  `ensure` warns and
# goes on when it cannot install (not root and no sudo, or apt-get fails): the tests that
# need the tool then fail with their own message.
set -u
what=${1:-}; [ $# -gt 0 ] && shift

# 0 if the tool of Debian package $1 is there
have() {
  case $1 in
    postgresql) ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 ;;
    chromium) command -v chromium > /dev/null 2>&1 || command -v chromium-browser > /dev/null 2>&1 ;;
    nodejs) command -v node > /dev/null 2>&1 ;;
    xz-utils) command -v xz > /dev/null 2>&1 ;;
    *) command -v "$1" > /dev/null 2>&1 ;;
  esac
}

# the Debian packages of PKG... whose tool is missing (npm too when there is none)
missing_pkgs() {
  out=
  for p in "$@"; do have "$p" || out="$out $p"; done
  command -v npm > /dev/null 2>&1 || out="$out npm"
  echo $out
}
have_playwright() { [ -f tests/browser/node_modules/playwright-core/package.json ]; }

# apt-get install PKG... (none: skip apt), then playwright-core when missing
install() {
  if [ $# -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=
    elif command -v sudo > /dev/null 2>&1; then SUDO=sudo
    else echo "tests/deps.sh: not root and no sudo: cannot install $*" >&2; return 1; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq || return 1
    # npm: Debian's package conflicts with a nodejs that bundles npm, so only when missing
    # (installed after nodejs, which may bring its own)
    pk=; for p in "$@"; do [ "$p" = npm ] || pk="$pk $p"; done
    [ -z "$pk" ] || $SUDO apt-get install -y -qq --no-install-recommends $pk || return 1
    command -v npm > /dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends npm || return 1
  fi
  # the browser test's driver (tests/browser/package.json), as the user who runs the tests
  have_playwright || (cd tests/browser && npm install --no-audit --no-fund --loglevel=error) || return 1
}

case $what in
  missing) m=$(missing_pkgs "$@"); have_playwright || m="$m playwright-core"; echo $m ;;
  install) install "$@" ;;
  ensure)
    m=$(missing_pkgs "$@")
    if [ -z "$m" ] && have_playwright; then exit 0; fi
    echo "make test: installing the missing test tools (make test-deps):${m:+ $m}$(have_playwright || echo ' playwright-core')"
    install $m || echo "make test: WARNING: could not install the test tools; the tests that need them will fail (make test-deps as root)" >&2
    exit 0 ;;
  *) echo "usage: sh tests/deps.sh missing|install|ensure PKG..." >&2; exit 2 ;;
esac
