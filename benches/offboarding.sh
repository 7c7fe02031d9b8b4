#!/usr/bin/env bash
# Offboarding benchmark: `permaudit report --user-id` for a member in N groups, each bound on every one
# of 5 clouds and on about one in 7 of 50 projects (roles at random, fixed seed), and
# `user list-permissions` on the same file for comparison. Prints the wall time and peak memory of each.
# The planner's work grows with the member's grants (see src/report/offboarding/plan.rs); a planner
# that tries every holding at every step grows with the cube of the group count.
#
#   benches/offboarding.sh [N ...]          (default: 125 250 500 1000 2000 10000)
#   PERMAUDIT=/path/to/permaudit benches/offboarding.sh 125 250    (time another build)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" offboarding.sh
bench="$bench/offboarding"
mkdir -p "$bench"
if [ -z "${PERMAUDIT:-}" ]; then
    build_release
    PERMAUDIT="$bin"
fi
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(125 250 500 1000 2000 10000)

# Writes the snapshot of a member in $1 groups to $2.
generate() {
    python3 - "$1" "$2" <<'PYTHON'
import json, random, sys
groups, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
ids = [f"ug_{g:05}" for g in range(groups)]
stamp = "2024-01-01T00:00:00+00:00"
def bindings(chance):
    by_role = {}
    for group in ids:
        if rng.random() < chance:
            by_role.setdefault(rng.choice(["owner", "collaborator", "readonly"]), []).append(group)
    return [{"role": role, "groups": members} for role, members in sorted(by_role.items())]
clouds = [{"id": f"cld_{c}", "name": f"c{c}", "collaborators": [], "bindings": bindings(1.0)} for c in range(5)]
projects = [{"id": f"prj_{p:02}", "name": f"p{p:02}", "parent_cloud_id": f"cld_{p % 5}", "collaborators": [],
             "bindings": bindings(1 / 7)} for p in range(50)]
snapshot = {
    "format": "permaudit-snapshot/1", "organization_id": "org_many", "collected_at": stamp, "source": "generated",
    "complete": True, "gaps": [],
    "members": [{"id": "idn_target", "user_id": "usr_target", "email": "target@x.com", "name": "Target",
                 "created_at": stamp, "permission_level": "collaborator", "base_role": "collaborator",
                 "additional_roles": [], "is_service_account": False}],
    "groups": [{"id": g, "name": g, "source": "user", "org_role": None, "created_at": stamp, "updated_at": stamp,
                "deleted_at": None} for g in ids],
    "memberships": [{"group_id": g, "group_name": g, "user_ids": ["usr_target"]} for g in ids],
    "clouds": clouds, "projects": projects,
}
json.dump(snapshot, open(out, "w"))
PYTHON
}

# Runs a command under /usr/bin/time and prints its wall time and peak memory.
measure() {
    local label="$1"; shift
    local report
    /usr/bin/time -o "$bench/time" -f "%e %M" "$@" >/dev/null 2>"$bench/stderr" || {
        echo "offboarding.sh: $label failed: $(tail -3 "$bench/stderr")" >&2
        exit 1
    }
    report=$(tail -1 "$bench/time")
    printf '  %-18s %6s s  %6d MiB\n' "$label" "${report% *}" $(( ${report#* } / 1024 ))
}

echo "binary: $PERMAUDIT"
for groups in "${sizes[@]}"; do
    org="$bench/member-in-$groups-groups.json"
    [ -f "$org" ] || generate "$groups" "$org"
    echo "$groups groups:"
    measure "report --user-id" "$PERMAUDIT" report --org "$org" --user-id usr_target --out-dir "$bench/report-$groups"
    measure "list-permissions" "$PERMAUDIT" user list-permissions --org "$org"
done
