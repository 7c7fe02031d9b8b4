#!/usr/bin/env bash
# list-permissions against the I/O floor: `permaudit user list-permissions --org SNAPSHOT --output-file
# OUT`, timed in alternating rounds with the floor of the same work, reading the snapshot and writing an
# output of the same size:
#
#   floor:        cat SNAPSHOT > /dev/null; cat PREVIOUS_OUTPUT > OUT
#   floor+fsync:  the same, the output flushed to disk (dd conv=fsync), as permaudit does with PERMAUDIT_FSYNC=1
#
# Prints each round, the medians, the ratios permaudit / floor (target: at most 2) and peak memory /
# snapshot size (target: at most 1.5).
#
#   benches/list-permissions.sh [--rounds N] [SNAPSHOT]     (default: 5 rounds, the 100k organization)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" list-permissions.sh
rounds=5; snapshot=""
parse_options rounds: "[snapshot]" -- "$@"
require_gnu_time
build_release
[ -n "$snapshot" ] || snapshot="$(org_100k)"
out="$bench/list-permissions.out.json"
copy="$bench/list-permissions.floor.json"
# The floor copies a previous output of the same size.
"$bin" user list-permissions --org "$snapshot" --output-file "$out" 2>/dev/null

# Runs a command with GNU time; prints "wall rss_mib".
measure() {
    local log="$bench/list-permissions-time.log"
    /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$bench/list-permissions-stderr.log" \
        || { echo "list-permissions.sh: $* failed:" >&2; cat "$bench/list-permissions-stderr.log" >&2; exit 1; }
    tail -n 1 "$log" | awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$bench/lp-floor.txt"; : > "$bench/lp-floor-sync.txt"; : > "$bench/lp-permaudit.txt"
echo "round  floor (s)  floor+fsync (s)  permaudit (s, peak MiB)"
for round in $(seq 1 "$rounds"); do
    floor="$(measure sh -c "cat '$snapshot' > /dev/null; cat '$out' > '$copy'")"
    sync="$(measure sh -c "cat '$snapshot' > /dev/null; dd if='$out' of='$copy' bs=4M conv=fsync status=none")"
    permaudit="$(measure "$bin" user list-permissions --org "$snapshot" --output-file "$out")"
    echo "${floor% *}" >> "$bench/lp-floor.txt"; echo "${sync% *}" >> "$bench/lp-floor-sync.txt"
    echo "$permaudit" >> "$bench/lp-permaudit.txt"
    printf "%5d  %9s  %15s  %s\n" "$round" "${floor% *}" "${sync% *}" "$permaudit"
done
rm -f "$copy"
floor="$(median < "$bench/lp-floor.txt")"; sync="$(median < "$bench/lp-floor-sync.txt")"
wall="$(cut -d' ' -f1 "$bench/lp-permaudit.txt" | median)"; rss="$(cut -d' ' -f2 "$bench/lp-permaudit.txt" | median)"
size="$(stat -c %s "$snapshot")"
echo "snapshot: $snapshot ($(awk -v b="$size" 'BEGIN { printf "%.0f MB", b / 1e6 }')), output $(awk -v b="$(stat -c %s "$out")" 'BEGIN { printf "%.0f MB", b / 1e6 }')"
echo "median floor $floor s, floor+fsync $sync s, permaudit $wall s, peak $rss MiB"
awk -v w="$wall" -v f="$floor" -v s="$sync" -v r="$rss" -v b="$size" 'BEGIN {
    printf "ratio permaudit / floor: %.2f (target: at most 2); permaudit / floor+fsync: %.2f\n", w / f, w / s
    printf "ratio peak memory / snapshot size: %.2f (target: at most 1.5)\n", r * 1048576 / b }'
