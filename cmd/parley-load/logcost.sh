#!/bin/sh
# What request logging costs: runs `parley serve` on one database with
# --log-level info (a line per request, to a file) and warn (no request
# lines) alternately, the same flags otherwise, puts each under
# parley-load, and prints its requests per second and the server's CPU per
# request (its utime + stime from /proc over the run). Compare the medians.
#
#   cmd/parley-load/logcost.sh ./parley ./parley-load /tmp/gen-1000000.db 1000000 5 typename 5s
#
# Arguments: the parley binary, the parley-load binary, the database, the
# size it was generated with, rounds, one query, seconds a run. Linux only
# (/proc). Serves on 127.0.0.1:18931; the logs go to ./logcost-*.log.
set -eu
bin=$1 load=$2 db=$3 size=$4 rounds=$5 query=$6 d=$7
addr=127.0.0.1:18931
hz=$(getconf CLK_TCK)
r=1
while [ "$r" -le "$rounds" ]; do
  for level in info warn; do
    "$bin" serve --db "$db" --addr "$addr" --skip-check --log-level "$level" 2>"logcost-$level.log" &
    pid=$!
    i=0
    until curl -sf "http://$addr/healthz" >/dev/null; do
      i=$((i + 1)); [ "$i" -lt 150 ] || { echo "serve did not start" >&2; kill "$pid"; exit 1; }
      sleep 0.2
    done
    t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$("$load" -url "http://$addr/query" -size "$size" -c 16 -d "$d" -q "$query" | grep -v '^query' | grep -v '%')
    t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "$out" | while read -r name conc rps p50 p99 errors; do
      awk -v a="$t0" -v b="$t1" -v r="$rps" -v d="${d%s}" -v hz="$hz" -v n="$name" -v l="$level" -v round="$r" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "round %d  log-level %-4s  %-12s %8.0f req/s  server CPU %.1f us/request  load %s\n", round, l, n, r, (b - a) / hz * 1e6 / (r * d), la }'
    done
    kill "$pid"; wait "$pid" || true
  done
  r=$((r + 1))
done
