#!/usr/bin/env bash
# Peer benchmark: permaudit (Rust) against an independent DuckDB SQL implementation of the same rules
# (benches/peer/duckdb_permissions.py), on the same snapshot, in one run.
#
#   benches/compare.sh [SNAPSHOT]   time both on SNAPSHOT (default: generate the 100k-member benchmark
#                                   organization at target/bench/org-100k.json), check that the two
#                                   list-permissions documents are byte-identical, print times, peak
#                                   memory and the ratio duckdb_time / permaudit_time.
#   benches/compare.sh --sizes      permaudit alone at 10k, 25k, 50k and 100k members (groups, clouds,
#                                   projects and grants scaled proportionally): a table of time and peak
#                                   memory. Add --with-duckdb to time (and check) the peer at each size too.
#
# Exit status: 0 when every compared pair of outputs is identical, 1 when any differs, 2 on setup errors.
# Env: RUNS=N times each command N times and keeps the fastest run (default 1; the machine is shared).
#      KEEP_OUTPUTS=1 keeps the outputs in target/bench/ (they are kept anyway when they differ).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" compare.sh

# ---- tools ----
require_gnu_time
command -v cmp >/dev/null || die "cmp is missing (Debian package diffutils)"

sizes=0; with_duckdb=0; snapshot=""
parse_options sizes with-duckdb "[snapshot]" -- "$@"

build_release

need_peer() {
    [ -n "${py:-}" ] && return 0
    echo "== python venv for the DuckDB peer (benches/peer/setup.sh)" >&2
    py="$("$root/benches/peer/setup.sh" | tail -n 1)" || die "benches/peer/setup.sh failed"
}

# run_timed NAME OUT ERR CMD... : runs CMD with stdout to OUT and stderr to ERR, RUNS times (default 1);
# sets t_NAME (wall seconds) and rss_NAME (peak RSS, MiB) from /usr/bin/time -v of the fastest run.
run_timed() {
    local name="$1" out="$2" err="$3"; shift 3
    local tv="$bench/.time-$name.txt" rc i wall rss secs best="" best_rss=""
    for (( i = 1; i <= ${RUNS:-1}; i++ )); do
        rc=0
        /usr/bin/time -v -o "$tv" "$@" >"$out" 2>"$err.tmp" || rc=$?
        if [ "$rc" != 0 ]; then
            echo "compare.sh: $name failed (exit $rc):" >&2; tail -n 20 "$err.tmp" >&2; exit 2
        fi
        wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")"
        rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")"
        # h:mm:ss or m:ss.ss -> seconds
        secs="$(awk -v w="$wall" 'BEGIN{n=split(w,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}')"
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a < b)}'; then
            best="$secs"; best_rss="$rss"; mv "$err.tmp" "$err"
        fi
        rm -f "$tv" "$err.tmp"
    done
    printf -v "t_$name" '%s' "$best"
    printf -v "rss_$name" '%s' "$(awk -v k="$best_rss" 'BEGIN{printf "%.0f", k/1024}')"
}

generate() { # MEMBERS OUT: the benchmark organization, scaled from the 100k reference.
    local m="$1" out="$2"
    local f=$(( m / 1000 ))   # the 100k reference is f=100
    local args=(--members "$m" --groups $(( 2000 * f / 100 )) --clouds $(( 200 * f / 100 ))
                --projects $(( 20000 * f / 100 )) --grants $(( 2000000 * f / 100 )) --seed 7 --out "$out")
    if [ -s "$out" ] && [ "$out" -nt "$bin" ]; then
        echo "== reusing $out (newer than the binary)" >&2
    else
        echo "== permaudit generate ${args[*]}" >&2
        "$bin" generate "${args[@]}" >&2 || die "permaudit generate failed"
    fi
}

# permaudit prints "timing PHASE 1.234s" lines on stderr when PERMAUDIT_TIMINGS is set.
permaudit_phases() { sed -n 's/^timing \([a-z_]*\) \(.*\)$/\1 \2/p' "$1" | paste -sd'|' | sed 's/|/ | /g'; }

differ=0
# compare_one SNAPSHOT LABEL : times both, checks bytes; sets t_permaudit, t_duckdb, rss_*.
compare_one() {
    local snap="$1" label="$2"
    local out1="$bench/$label.permaudit.json" out2="$bench/$label.duckdb.json"
    need_peer
    echo "== permaudit user list-permissions --org $snap" >&2
    PERMAUDIT_TIMINGS=1 run_timed permaudit "$out1" "$bench/$label.permaudit.stderr" \
        "$bin" user list-permissions --org "$snap"
    echo "== duckdb_permissions.py $snap" >&2
    run_timed duckdb "$out2" "$bench/$label.duckdb.stderr" "$py" "$root/benches/peer/duckdb_permissions.py" "$snap"
    sed 's/^/   permaudit stderr: /' "$bench/$label.permaudit.stderr" >&2
    sed 's/^/   duckdb    stderr: /' "$bench/$label.duckdb.stderr" >&2
    if cmp -s "$out1" "$out2"; then
        same="identical"
        [ "${KEEP_OUTPUTS:-0}" = 1 ] || rm -f "$out1" "$out2"
    else
        same="DIFFERENT"; differ=1
        echo "compare.sh: the outputs differ: $out1 vs $out2" >&2
        cmp "$out1" "$out2" >&2 || true
        diff "$out1" "$out2" | head -n 40 >&2 || true
    fi
    ratio="$(awk -v d="$t_duckdb" -v p="$t_permaudit" 'BEGIN{ if (p > 0) printf "%.1f", d/p; else print "n/a (permaudit below the 0.01 s resolution of time -v)" }')"
}

if [ "$sizes" = 1 ]; then
    [ -z "$snapshot" ] || die "--sizes takes no snapshot"
    rows=()
    for m in 10000 25000 50000 100000; do
        snap="$bench/org-$(( m / 1000 ))k.json"
        generate "$m" "$snap"
        mb="$(awk -v b="$(stat -c %s "$snap")" 'BEGIN{printf "%.0f", b/1e6}')"
        if [ "$with_duckdb" = 1 ]; then
            compare_one "$snap" "org-$(( m / 1000 ))k"
            rows+=("$(printf '%8s %6s MB | %8s s %7s MiB | %8s s %7s MiB | %6sx | %-9s | %s' \
                "$m" "$mb" "$t_permaudit" "$rss_permaudit" "$t_duckdb" "$rss_duckdb" "$ratio" "$same" \
                "$(permaudit_phases "$bench/org-$(( m / 1000 ))k.permaudit.stderr")")")
        else
            echo "== permaudit user list-permissions --org $snap" >&2
            PERMAUDIT_TIMINGS=1 run_timed permaudit /dev/null "$bench/org-$(( m / 1000 ))k.permaudit.stderr" \
                "$bin" user list-permissions --org "$snap"
            rows+=("$(printf '%8s %6s MB | %8s s %7s MiB | %s' "$m" "$mb" "$t_permaudit" "$rss_permaudit" \
                "$(permaudit_phases "$bench/org-$(( m / 1000 ))k.permaudit.stderr")")")
        fi
    done
    echo
    if [ "$with_duckdb" = 1 ]; then
        echo " members  snapshot | permaudit   peak RSS  |  duckdb     peak RSS  |  ratio | outputs   | permaudit phases"
    else
        echo " members  snapshot | permaudit   peak RSS  | permaudit phases"
    fi
    printf '%s\n' "${rows[@]}"
    exit "$differ"
fi

if [ -z "$snapshot" ]; then
    snapshot="$bench/org-100k.json"
    generate 100000 "$snapshot"
fi
[ -f "$snapshot" ] || die "no such snapshot: $snapshot"
label="$(basename "$snapshot" .json)"
compare_one "$snapshot" "$label"

echo
echo "snapshot:   $snapshot ($(awk -v b="$(stat -c %s "$snapshot")" 'BEGIN{printf "%.1f MB", b/1e6}'))"
printf 'permaudit:  %8s s wall  %7s MiB peak RSS\n' "$t_permaudit" "$rss_permaudit"
printf 'duckdb:     %8s s wall  %7s MiB peak RSS\n' "$t_duckdb" "$rss_duckdb"
echo "permaudit phases: $(permaudit_phases "$bench/$label.permaudit.stderr")"
echo "duckdb phases:    $(sed -n 's/^duckdb-peer: phases: //p' "$bench/$label.duckdb.stderr")"
echo "ratio duckdb_time / permaudit_time: $ratio"
# Engine to engine: permaudit's whole run (read, resolve, write) against DuckDB's SQL phase alone (load
# the snapshot and compute the rules), leaving out Python's import, fetch, assembly and json.dumps.
sql="$(sed -n 's/^duckdb-peer: phases: .*load \([0-9.]*\)s | compute \([0-9.]*\)s.*/\1 \2/p' "$bench/$label.duckdb.stderr" \
    | awk '{ printf "%.2f", $1 + $2 }')"
if [ -n "$sql" ]; then
    echo "engine to engine: permaudit whole run $t_permaudit s, DuckDB SQL phase (load + compute) $sql s:" \
        "$(awk -v d="$sql" -v p="$t_permaudit" 'BEGIN { if (p > 0) printf "%.1fx", d / p; else print "n/a" }') (target: at least 5x)"
fi
echo "outputs: $same"
exit "$differ"
