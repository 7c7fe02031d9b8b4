#!/usr/bin/env bash
# Archive benchmark: daily snapshots of the 100,000-member benchmark organization added to an archive.
# Day 0 is target/bench/org-100k.json (made as benches/compare.sh makes it); each later day is the day
# before with CHURN random edits (the hidden `permaudit generate --edit`, seeded by the day), collected
# a day later. Each day's `archive add` is timed side by side with `user list-permissions --org` of
# the same snapshot (target: a later add at most 2x list-permissions); then timeline queries are timed
# (target: under 100 ms) and the database is compared with one compressed snapshot (target: at most
# 3x after the snapshots), and `archive verify` and `archive rebuild` are timed once.
#
#   benches/archive.sh [--days N] [--churn EDITS]
#
# Defaults: 30 days, 1,000 edits a day (1% of the members; the edit mix of `generate --edit`: direct
# levels, group bindings, memberships, group states, member levels and records, renames, moved
# projects, records created, deleted, joining and leaving). Only the current and the previous day's
# snapshots are kept on disk. Prints one line a day and a summary. Exit status: 0, or 2 on a setup
# error or a failed command.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" archive.sh
days=30; churn=1000
parse_options days: churn: -- "$@"

require_gnu_time
build_release
base="$(org_100k)"
work="$bench/archive-bench"
archive="$work/archive"
rm -rf "$work"
mkdir -p "$work"

# seconds CMD... : runs CMD with stdout to /dev/null, prints "wall_seconds peak_MiB".
seconds() {
    local tv="$work/.time" rc=0
    /usr/bin/time -v -o "$tv" "$@" >/dev/null 2>"$work/.stderr" || rc=$?
    [ "$rc" = 0 ] || { tail -n 20 "$work/.stderr" >&2; die "$* failed (exit $rc)"; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /Maximum resident set size/ { r = $2 / 1024 }
                END { printf "%.2f %.0f\n", w, r }' "$tv"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# day_file N: the snapshot of day N, collected at 06:00 UTC on the Nth day after 2026-01-01.
day_file() { echo "$work/day-$1.json"; }
stamp() { date -u -d "2026-01-01 +$1 days" +%Y-%m-%dT06:00:00+00:00; }

sed "s/\"collected_at\": \"[^\"]*\"/\"collected_at\": \"$(stamp 0)\"/" "$base" >"$(day_file 0)"
echo "== day 0: first add (every interval of the organization)" >&2
read -r first_add first_mem < <(seconds "$bin" archive add "$(day_file 0)" --archive "$archive")
db_first="$(mib "$archive/archive.sqlite")"
printf 'day  0: add %6.2f s (%s MiB peak); database %s MiB\n' "$first_add" "$first_mem" "$db_first"

: >"$work/.ratios"; : >"$work/.adds"; : >"$work/.lists"
for (( day = 1; day <= days; day++ )); do
    previous="$(day_file $((day - 1)))"; current="$(day_file "$day")"
    "$bin" generate --edit "$previous" --edits "$churn" --seed "$day" --out "$current" 2>/dev/null \
        || die "generate --edit failed on day $day"
    # The editor numbers the records it creates from 1 on every run: the day makes their ids unique.
    sed -i -e "0,/\"collected_at\": \"[^\"]*\"/s//\"collected_at\": \"$(stamp "$day")\"/" \
        -e "s/_edit_\([0-9]\{6\}\)/_edit_d${day}_\1/g" "$current"
    rm -f "$previous"
    read -r t_list m_list < <(seconds "$bin" user list-permissions --org "$current")
    read -r t_add m_add < <(seconds "$bin" archive add "$current" --archive "$archive")
    echo "$t_add" >>"$work/.adds"; echo "$t_list" >>"$work/.lists"
    awk -v a="$t_add" -v l="$t_list" 'BEGIN { printf "%.3f\n", a / l }' >>"$work/.ratios"
    printf 'day %2d: add %5.2f s (%s MiB), list-permissions %5.2f s (%s MiB), ratio %s; database %s MiB\n' \
        "$day" "$t_add" "$m_add" "$t_list" "$m_list" "$(tail -n 1 "$work/.ratios")" "$(mib "$archive/archive.sqlite")"
done
latest="$(day_file "$days")"
# One compressed snapshot: the latest entry file, its snapshot and that day's few changed records.
one_snapshot="$(mib "$(ls "$archive"/snapshots/*.json.zst | tail -n 1)")"

# A member, and the cloud with the most projects, for the timeline queries.
member="$(grep -o '"email": "[^"]*"' "$latest" | sed -n '2p' | cut -d'"' -f4)"
cloud="$(grep -o '"parent_cloud_id": "[^"]*"' "$latest" | cut -d'"' -f4 | sort | uniq -c | sort -rn | head -n 1 | awk '{print $2}')"
: >"$work/.user"; : >"$work/.cloud"; : >"$work/.at"
for (( i = 1; i <= 11; i++ )); do
    seconds "$bin" history "$archive" --user "$member" | cut -d' ' -f1 >>"$work/.user"
    seconds "$bin" history "$archive" --user "$member" --at "$(stamp $((days / 2)))" --format json | cut -d' ' -f1 >>"$work/.at"
    seconds "$bin" history "$archive" --cloud "$cloud" --role owner --from "$(stamp 5)" --to "$(stamp 20)" | cut -d' ' -f1 >>"$work/.cloud"
done
read -r t_verify m_verify < <(seconds "$bin" archive verify "$archive")
read -r t_rebuild m_rebuild < <(seconds "$bin" archive rebuild "$archive")
rm -f "$archive/archive.sqlite.replaced"

db="$(mib "$archive/archive.sqlite")"
echo
echo "organization: $base, $days daily snapshots of $churn edits each"
echo "first add: $first_add s, $first_mem MiB peak"
echo "later adds: median $(median <"$work/.adds") s; list-permissions median $(median <"$work/.lists") s; ratio add / list-permissions: median $(median <"$work/.ratios"), max $(sort -n "$work/.ratios" | tail -n 1) (target: at most 2)"
echo "history --user $member: median $(median <"$work/.user") s; with --at: $(median <"$work/.at") s (target: under 0.1 s)"
echo "history --cloud $cloud --role owner over 15 days: median $(median <"$work/.cloud") s"
echo "one compressed snapshot (day $days entry file): $one_snapshot MiB"
echo "database: $db_first MiB after day 0, $db MiB after day $days: $(awk -v d="$db" -v s="$one_snapshot" 'BEGIN { printf "%.2f", d / s }')x one compressed snapshot (target: at most 3)"
echo "archive folder: $(du -sm "$archive" | cut -f1) MiB"
echo "archive verify: $t_verify s ($m_verify MiB); archive rebuild: $t_rebuild s ($m_rebuild MiB)"
