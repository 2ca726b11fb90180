# tests/lib/serve-start.sh -- sourced (not run) by the server tests (tests/cli/serve*.sh,
# tests/cli/browser.sh, tests/bench/serve.sh): start `kroniek serve` on a free loopback
# port, and stop it again.
#
#   trap serve_cleanup EXIT INT TERM
#
# serve_cleanup: TERM every server whose pid is in $T/*.pid, KILL what is still there
# after 0.3 s (a server stuck in open()), then remove $T.
#
#   url=$(serve_start NAME [SERVE ARGS...]) || die "server did not start"
#
# Uses $K (the binary), $DB (the archive) and $T (the test's temporary directory): the
# server's pid goes to $T/NAME.pid (the caller's cleanup kills it), its stderr to
# $T/NAME.log.  Waits up to $SERVE_START_TRIES tenths of a second (default 150) for the
# "kroniek serve: URL ..." line and echoes URL (http or https); on failure prints the log
# on stderr and returns 1.  The server's stdout is /dev/null, not the $(...) pipe, or the
# substitution would wait for the server to exit.
serve_start() {
  name=$1; shift
  : > "$T/$name.log"
  "$K" serve --db "$DB" --listen 127.0.0.1:0 "$@" > /dev/null 2> "$T/$name.log" &
  echo $! > "$T/$name.pid"
  i=0
  while [ $i -lt "${SERVE_START_TRIES:-150}" ]; do
    url=$(sed -n 's/^kroniek serve: \(https*:[^ ]*\) .*/\1/p' "$T/$name.log" | head -1)
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "$(cat "$T/$name.pid")" 2>/dev/null || { cat "$T/$name.log" >&2; return 1; }
    sleep 0.1; i=$((i + 1))
  done
  cat "$T/$name.log" >&2
  return 1
}

serve_cleanup() {
  for f in "$T"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  sleep 0.3
  for f in "$T"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
  rm -rf "$T"
}
