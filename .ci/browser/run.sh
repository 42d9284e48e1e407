#!/usr/bin/env bash
# Runs the browser tests (the playground and the explorer, in headless
# Chromium) against a fresh server on a free loopback port, with the
# built-in Berlin graph, and saves their screenshots to ARTIFACTS.
#   .ci/browser/run.sh ARTIFACTS        (after make build; .ci/run and make screenshots use it)
set -euo pipefail
cd "$(dirname "$0")/../.."
artifacts=${1:-artifacts}
[ -x ./parley ] || { echo "run make build first" >&2; exit 1; }
[ -d .ci/browser/node_modules ] || (cd .ci/browser && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18788)
./parley serve --db "$work/browser.db" --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
ready=
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && { ready=1; break; }
  sleep 0.2
done
[ -n "$ready" ] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
node .ci/browser/playground.mjs "http://127.0.0.1:$port" "$artifacts"
# The explorer's curation test writes through the public mutations with an
# editor token, then reads the database back with parley export.
token=$(./parley token create --db "$work/browser.db" --name ci-curator --role editor 2>/dev/null)
PARLEY_BIN=./parley PARLEY_DB_FILE="$work/browser.db" PARLEY_TOKEN="$token" \
  node .ci/browser/explore.mjs "http://127.0.0.1:$port" "$artifacts"
# The example front end (examples/web, built by .ci/run or npm run build in
# it) on a server of its own that lets the app's origin call /query.
if [ -f examples/web/dist/index.html ]; then
  kill $server; wait $server 2>/dev/null || true
  webport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18789)
  ./parley serve --db "$work/example.db" --addr "127.0.0.1:$port" --cors-origin "http://127.0.0.1:$webport" >"$work/example.log" 2>&1 &
  server=$!
  ready=
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && { ready=1; break; }
    sleep 0.2
  done
  [ -n "$ready" ] || { echo "the server did not start:" >&2; cat "$work/example.log" >&2; exit 1; }
  token=$(./parley token create --db "$work/example.db" --name ci-example --role editor 2>/dev/null)
  PARLEY_TOKEN="$token" node .ci/browser/example-web.mjs "http://127.0.0.1:$port" "$webport" "$artifacts"
else
  echo "examples/web/dist is not built: the example front end's browser test did not run (.ci/run builds it)" >&2
  [ -z "${CI:-}" ] || exit 1
fi
