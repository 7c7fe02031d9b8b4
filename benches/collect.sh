#!/usr/bin/env bash
# Collection benchmark: permaudit collect against permaudit serve of a synthetic organization
# (10,000 members, 2,000 projects) on loopback, with 20 ms of latency per request, at concurrency 1 and
# at the default concurrency, and once more without latency. Prints requests made, wall times, the
# speed-up and how far the collection is from its bound, and checks that every collection gives back
# the served organization.
#
# The bound: `--concurrency N` allows N requests on the wire at once, so a collection of R requests
# takes at least R × latency / N; and a list's pages come one after the other, so it also takes at
# least the longest chain of requests (userinfo, then every page of the member list) times the latency.
# The concurrency-1 run measures what a request really costs on this machine (latency plus both
# processes' time), which gives the bound at that cost too.
#
#   benches/collect.sh [--members N] [--projects N] [--latency-ms N] [--concurrency N]
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" collect.sh
members=10000; projects=2000; latency_ms=20; concurrency=16
parse_options members: projects: latency-ms: concurrency: -- "$@"

bench="$bench/collect"
mkdir -p "$bench"
build_release
org="$bench/org-${members}-${projects}.json"
"$bin" generate --members "$members" --groups $((members / 50)) --clouds 20 --projects "$projects" \
    --grants $((members * 10)) --seed 5 --out "$org" 2>/dev/null

token="sss_bench_$$"
server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

# Starts permaudit serve on a free port with the given latency; sets $host.
start_server() {
    stop_server
    cp "$org" "$bench/served.json"
    PERMAUDIT_SERVE_TOKEN="$token" "$bin" serve --org "$bench/served.json" --addr 127.0.0.1:0 \
        --latency-ms "$1" > "$bench/serve.out" 2>"$bench/serve.err" &
    server_pid=$!
    for _ in $(seq 100); do
        host=$(grep -o 'http://[0-9.:]*' "$bench/serve.out" 2>/dev/null || true)
        [ -n "$host" ] && return 0
        sleep 0.1
    done
    echo "collect.sh: permaudit serve did not start: $(cat "$bench/serve.err")" >&2
    exit 1
}

# Collects with the given concurrency; prints "seconds requests".
collect() {
    local out="$bench/collected-$1.json" started ended
    started=$(date +%s.%N)
    ANYSCALE_HOST="$host" ANYSCALE_CLI_TOKEN="$token" "$bin" collect --out "$out" --concurrency "$1" \
        2>"$bench/collect-$1.err"
    ended=$(date +%s.%N)
    requests=$(grep -o 'in [0-9]* requests' "$bench/collect-$1.err" | grep -o '[0-9]*')
    # The collected organization must be the served one (only the collection metadata differs).
    "$bin" user list-permissions --org "$out" > "$bench/perms-collected.json" 2>/dev/null
    cmp -s "$bench/perms-collected.json" "$bench/perms-served.json" \
        || { echo "collect.sh: the collection at concurrency $1 differs from the served organization" >&2; exit 1; }
    echo "$(awk "BEGIN { print $ended - $started }") $requests"
}

"$bin" user list-permissions --org "$org" > "$bench/perms-served.json" 2>/dev/null
echo "organization: $members members, $projects projects ($(du -h "$org" | cut -f1) snapshot)"

start_server "$latency_ms"
read -r serial requests < <(collect 1)
read -r parallel parallel_requests < <(collect "$concurrency")
start_server 0
read -r unthrottled _ < <(collect "$concurrency")

printf '%-34s %10s\n' "run" "wall (s)"
printf '%-34s %10.2f\n' "latency ${latency_ms} ms, concurrency 1" "$serial"
printf '%-34s %10.2f\n' "latency ${latency_ms} ms, concurrency $concurrency" "$parallel"
printf '%-34s %10.2f\n' "no latency, concurrency $concurrency" "$unthrottled"
echo "requests per collection: $requests"
echo "speed-up from concurrency: $(awk "BEGIN { printf \"%.1f\", $serial / $parallel }")x"
# Pages of a list of n items: 50 a page, an empty list still taking one.
pages() { echo $(( $1 > 0 ? ($1 + 49) / 50 : 1 )); }
member_chain=$((1 + $(pages "$members")))
project_chain=$((1 + $(pages "$projects") + 1))
chain=$(( member_chain > project_chain ? member_chain : project_chain ))
awk -v requests="$parallel_requests" -v latency="$latency_ms" -v concurrency="$concurrency" -v chain="$chain" \
    -v parallel="$parallel" -v serial="$serial" -v serial_requests="$requests" 'BEGIN {
    wire = requests * latency / 1000 / concurrency
    path = chain * latency / 1000
    bound = wire > path ? wire : path
    printf "bound: %.2f s = max(%d requests x %d ms / %d = %.2f s, chain of %d requests x %d ms = %.2f s)\n",
        bound, requests, latency, concurrency, wire, chain, latency, path
    printf "ratio to the bound: %.2f\n", parallel / bound
    cost = serial / serial_requests
    wire = requests * cost / concurrency
    path = chain * cost
    bound = wire > path ? wire : path
    printf "a request costs %.1f ms at concurrency 1; at that cost the bound is %.2f s, ratio %.2f\n",
        cost * 1000, bound, parallel / bound
}'
