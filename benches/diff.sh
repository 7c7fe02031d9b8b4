#!/usr/bin/env bash
# Diff benchmark: `permaudit diff` of the 100,000-member benchmark organization against a copy with a
# few thousand random edits, timed against `permaudit user list-permissions` of the organization alone.
# Runs the two commands in turn, RUNS times each, and prints the median wall time and peak memory of
# each, the phases of the last runs, and the ratio diff / list-permissions (the target is at most 2.5):
# of the two medians, and the median of each run's pair (steadier on a shared machine).
#
#   benches/diff.sh [--edits N] [--format text|json|csv|html]
#
# The organization is target/bench/org-100k.json (made as benches/compare.sh makes it); the edited copy
# is target/bench/org-100k-edited-N.json, made by the hidden `permaudit generate --edit` (deterministic,
# seed 11). Env: RUNS=N runs each command N times (default 5; the machine is shared, so medians).
# Exit status: 0, or 2 on a setup error or a failed command.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" diff.sh
edits=3000; format=text
parse_options edits: format: -- "$@"

require_gnu_time
build_release
old="$(org_100k)"
new="$bench/org-100k-edited-$edits.json"
if [ ! -s "$new" ] || [ "$old" -nt "$new" ]; then
    echo "== permaudit generate --edit $old --edits $edits --seed 11" >&2
    "$bin" generate --edit "$old" --edits "$edits" --seed 11 --out "$new" >&2 || die "the edited copy failed"
fi

# timed NAME OUT CMD... : runs CMD once with stdout to OUT; appends wall seconds and peak MiB to
# $bench/.diff-NAME.times and keeps its stderr (with PERMAUDIT_TIMINGS phases) in $bench/.diff-NAME.stderr.
timed() {
    local name="$1" out="$2"; shift 2
    local tv="$bench/.diff-$name.time" rc=0
    PERMAUDIT_TIMINGS=1 /usr/bin/time -v -o "$tv" "$@" >"$out" 2>"$bench/.diff-$name.stderr" || rc=$?
    # diff exits 0 here (no --fail-on-change, complete collections); anything else is a failure.
    [ "$rc" = 0 ] || { tail -n 20 "$bench/.diff-$name.stderr" >&2; die "$name failed (exit $rc)"; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /Maximum resident set size/ { r = $2 / 1024 }
                END { printf "%.2f %.0f\n", w, r }' "$tv" >>"$bench/.diff-$name.times"
    rm -f "$tv"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$bench"/.diff-*.times
runs="${RUNS:-5}"
for (( i = 1; i <= runs; i++ )); do
    echo "== run $i of $runs" >&2
    timed list "$bench/diff-bench.list-permissions.json" "$bin" user list-permissions --org "$old"
    timed diff "$bench/diff-bench.diff.$format" "$bin" diff "$old" "$new" --format "$format"
done

t_list="$(cut -d' ' -f1 "$bench/.diff-list.times" | median)"
t_diff="$(cut -d' ' -f1 "$bench/.diff-diff.times" | median)"
m_list="$(cut -d' ' -f2 "$bench/.diff-list.times" | median)"
m_diff="$(cut -d' ' -f2 "$bench/.diff-diff.times" | median)"
phases() { sed -n 's/^timing \([a-z_]*\) \(.*\)$/\1 \2/p' "$bench/.diff-$1.stderr" | paste -sd'|' | sed 's/|/ | /g'; }

echo
echo "old: $old ($(awk -v b="$(stat -c %s "$old")" 'BEGIN{printf "%.1f MB", b/1e6}'))"
echo "new: $new ($edits random edits)"
grep -h 'changes (' "$bench/.diff-diff.stderr" | sed 's/^(permaudit +[0-9.]*s) /diff found: /'
printf 'list-permissions:  median %6s s  %6s MiB peak   (runs: %s)\n' "$t_list" "$m_list" "$(cut -d' ' -f1 "$bench/.diff-list.times" | paste -sd' ')"
printf 'diff (%s):  median %6s s  %6s MiB peak   (runs: %s)\n' "$format" "$t_diff" "$m_diff" "$(cut -d' ' -f1 "$bench/.diff-diff.times" | paste -sd' ')"
echo "last list-permissions phases: $(phases list)"
echo "last diff phases:             $(phases diff)"
paired="$(paste -d' ' <(cut -d' ' -f1 "$bench/.diff-list.times") <(cut -d' ' -f1 "$bench/.diff-diff.times") \
    | awk '{ printf "%.2f\n", $2 / $1 }' | median)"
echo "ratio diff / list-permissions: $(awk -v d="$t_diff" -v l="$t_list" 'BEGIN{ printf "%.2f", d / l }') of the medians, $paired the median of the ratios of each run's pair (target: at most 2.5)"
