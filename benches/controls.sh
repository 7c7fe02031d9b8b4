#!/usr/bin/env bash
# Controls benchmark: `permaudit check` against `permaudit user list-permissions` on the same snapshot
# (by default the 100,000-member benchmark organization), both writing to /dev/null, in alternating
# rounds so that both see the same load. Prints each round, then the median wall time, CPU time (user +
# system) and peak memory of each command, and the ratio check / list-permissions of the medians.
#
#   benches/controls.sh [--rounds N] [--format text|json|csv|junit] [SNAPSHOT]
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" controls.sh
rounds=5; format=text; snapshot=""
parse_options rounds: format: "[snapshot]" -- "$@"
require_gnu_time
build_release
[ -n "$snapshot" ] || snapshot="$(org_100k)"

# Runs one command with GNU time; prints "wall cpu rss_mb".
measure() {
    local log="$bench/controls-time.log" status=0
    /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" >/dev/null 2>"$bench/controls-stderr.log" || status=$?
    # check exits 4 when it finds something: that is its answer, not a failure of the benchmark.
    if [ "$status" != 0 ] && [ "$status" != 4 ]; then
        echo "controls.sh: $* failed ($status):" >&2; cat "$bench/controls-stderr.log" >&2; exit 1
    fi
    # GNU time writes "Command exited with non-zero status 4" before its figures: keep the last line.
    tail -n 1 "$log" | awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$bench/controls-lp.txt"; : > "$bench/controls-check.txt"
echo "round  list-permissions (wall s, cpu s, MiB)   check --format $format (wall s, cpu s, MiB)"
for round in $(seq 1 "$rounds"); do
    lp="$(measure "$bin" user list-permissions --org "$snapshot")"
    check="$(measure "$bin" check --org "$snapshot" --format "$format" --today 2026-12-01)"
    echo "$lp" >> "$bench/controls-lp.txt"; echo "$check" >> "$bench/controls-check.txt"
    printf "%5d  %-40s %s\n" "$round" "$lp" "$check"
done
column() { cut -d' ' -f"$2" "$bench/controls-$1.txt" | median; }
lp_wall="$(column lp 1)"; check_wall="$(column check 1)"
lp_cpu="$(column lp 2)"; check_cpu="$(column check 2)"
echo "median list-permissions: wall $lp_wall s, cpu $lp_cpu s, peak $(column lp 3) MiB"
echo "median check:            wall $check_wall s, cpu $check_cpu s, peak $(column check 3) MiB"
awk -v c="$check_wall" -v l="$lp_wall" -v cc="$check_cpu" -v lc="$lp_cpu" \
    'BEGIN { printf "ratio check / list-permissions: wall %.2f, cpu %.2f\n", c / l, cc / lc }'
