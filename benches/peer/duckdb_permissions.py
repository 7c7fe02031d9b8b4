#!/usr/bin/env python3
"""Peer implementation of `permaudit user list-permissions` in DuckDB SQL.

Usage: duckdb_permissions.py SNAPSHOT [-o OUT] [--threads N] [--memory-limit 8GB]

Reads a permaudit snapshot (docs/snapshot-format.md) and prints the list-permissions JSON document
{"org_owners": [...], "organization_id": ..., "users": [...]} exactly as
`json.dumps(doc, indent=2, sort_keys=True)` plus a trailing newline.

Every rule of docs/permission-model.md (R1-R6, R8) is computed in SQL below. Python only loads
the file (DuckDB's read_json, i.e. also SQL), and turns the SQL result rows into the nested document.
Per-phase timings go to stderr.

Independent of the Rust code on purpose: it is written from the spec, not from the engine.
"""

import time

T_START = time.perf_counter()  # before importing duckdb

import argparse
import json
import os
import sys

import duckdb

# ---------------------------------------------------------------------------------------------
# Load: one read of the (single, big) top-level JSON object, then the lists are unnested in SQL.
# Only the fields the rules need are declared; read_json ignores the others.
# ---------------------------------------------------------------------------------------------
SNAPSHOT_COLUMNS = """{
    'format': 'VARCHAR',
    'organization_id': 'VARCHAR',
    'members': 'STRUCT(id VARCHAR, user_id VARCHAR, email VARCHAR, permission_level VARCHAR,
                       is_service_account BOOLEAN)[]',
    'groups': 'STRUCT(id VARCHAR, org_role VARCHAR, deleted_at VARCHAR)[]',
    'memberships': 'STRUCT(group_id VARCHAR, user_ids VARCHAR[])[]',
    'clouds': 'STRUCT(id VARCHAR, name VARCHAR,
                      collaborators STRUCT(user_id VARCHAR, levels VARCHAR[])[],
                      bindings STRUCT(role VARCHAR, "groups" VARCHAR[])[])[]',
    'projects': 'STRUCT(id VARCHAR, name VARCHAR, parent_cloud_id VARCHAR,
                        collaborators STRUCT(user_id VARCHAR, level VARCHAR)[],
                        bindings STRUCT(role VARCHAR, "groups" VARCHAR[])[])[]'
}"""

LOAD_SQL = [
    # raw: the whole snapshot as one row (nested lists of structs).
    """CREATE TEMP TABLE raw AS
       SELECT * FROM read_json({path}, format = 'unstructured', records = true,
                               maximum_object_size = {max_size},
                               columns = {columns})""",
    """CREATE TEMP TABLE meta AS SELECT format, organization_id FROM raw""",
    # Members: the member id is user_id, or the identity id when user_id is null.
    """CREATE TEMP TABLE members AS
       SELECT coalesce(m.user_id, m.id) AS mid, m.email, m.permission_level AS plevel,
              coalesce(m.is_service_account, false) AS sa
       FROM (SELECT unnest(members) AS m FROM raw)""",
    """CREATE TEMP TABLE groups_ AS
       SELECT g.id AS gid, g.org_role, g.deleted_at
       FROM (SELECT unnest("groups") AS g FROM raw)""",
    """CREATE TEMP TABLE memberships AS
       SELECT gid, unnest(uids) AS uid
       FROM (SELECT ms.group_id AS gid, ms.user_ids AS uids
             FROM (SELECT unnest(memberships) AS ms FROM raw))""",
    """CREATE TEMP TABLE clouds AS
       SELECT c.id AS cid, c.name AS cname, c.collaborators AS colls, c.bindings AS binds
       FROM (SELECT unnest(clouds) AS c FROM raw)""",
    """CREATE TEMP TABLE projects AS
       SELECT p.id AS pid, p.name AS pname, p.parent_cloud_id AS parent,
              p.collaborators AS colls, p.bindings AS binds
       FROM (SELECT unnest(projects) AS p FROM raw)""",
    """CREATE TEMP TABLE cloud_direct AS            -- (cloud, user, level): every level held
       SELECT cid, uid, unnest(levels) AS level
       FROM (SELECT cid, col.user_id AS uid, col.levels AS levels
             FROM (SELECT cid, unnest(colls) AS col FROM clouds))""",
    """CREATE TEMP TABLE cloud_binding AS           -- (cloud, group, role)
       SELECT cid, unnest(gids) AS gid, role
       FROM (SELECT cid, b.role AS role, b."groups" AS gids
             FROM (SELECT cid, unnest(binds) AS b FROM clouds))""",
    """CREATE TEMP TABLE project_direct AS          -- (project, user, level)
       SELECT pid, col.user_id AS uid, col.level AS level
       FROM (SELECT pid, unnest(colls) AS col FROM projects)""",
    """CREATE TEMP TABLE project_binding AS         -- (project, group, role)
       SELECT pid, unnest(gids) AS gid, role
       FROM (SELECT pid, b.role AS role, b."groups" AS gids
             FROM (SELECT pid, unnest(binds) AS b FROM projects))""",
    "DROP TABLE raw",
]

# ---------------------------------------------------------------------------------------------
# Compute: the permission model, in SQL. Rank: owner 3 > collaborator 2 > readonly 1;
# `write` (direct grants, and the wire alias in bindings) is collaborator.
# ---------------------------------------------------------------------------------------------
RANK = """(CASE {x} WHEN 'owner' THEN 3 WHEN 'collaborator' THEN 2 WHEN 'write' THEN 2
                  WHEN 'readonly' THEN 1 END)"""

COMPUTE_SQL = [
    "CREATE TEMP MACRO role_rank(x) AS " + RANK.format(x="x"),
    """CREATE TEMP MACRO rank_name(r) AS
       (CASE r WHEN 3 THEN 'owner' WHEN 2 THEN 'collaborator' WHEN 1 THEN 'readonly' END)""",
    # R8: deleted groups and everything they hold are ignored.
    """CREATE TEMP TABLE live_groups AS
       SELECT gid, org_role FROM groups_ WHERE deleted_at IS NULL""",
    # R8: memberships naming an unknown (or deleted) group or an unknown member are ignored.
    """CREATE TEMP TABLE gm AS
       SELECT DISTINCT ms.gid, ms.uid
       FROM memberships ms
       JOIN live_groups g ON g.gid = ms.gid
       JOIN members m ON m.mid = ms.uid""",
    # R1 / R2: org ownership and base role (own permission_level, or a live group's org role).
    """CREATE TEMP TABLE member_roles AS
       WITH grp AS (
           SELECT gm.uid,
                  bool_or(g.org_role = 'owner') AS grp_owner,
                  bool_or(g.org_role IN ('owner', 'collaborator')) AS grp_base
           FROM gm JOIN live_groups g USING (gid)
           GROUP BY gm.uid)
       SELECT m.mid, m.email, m.sa,
              (NOT m.sa AND (m.plevel IS NOT DISTINCT FROM 'owner'
                             OR coalesce(grp.grp_owner, false))) AS org_owner,
              (m.plevel IN ('owner', 'collaborator') OR coalesce(grp.grp_base, false)) AS has_base
       FROM members m LEFT JOIN grp ON grp.uid = m.mid""",
    """CREATE TEMP TABLE based AS
       SELECT mid FROM member_roles WHERE coalesce(has_base, false)""",
    # R3: every grant of a based member on a known cloud.
    #   kind 'd' = direct level, 'g' = group role (a group `owner` on a cloud counts as collaborator).
    """CREATE TEMP TABLE cloud_grants AS
       SELECT d.cid, d.uid, 'd' AS kind, role_rank(d.level) AS r
       FROM cloud_direct d JOIN based b ON b.mid = d.uid
       UNION ALL
       SELECT cb.cid, gm.uid, 'g' AS kind, CASE WHEN cb.role = 'owner' THEN 2 ELSE role_rank(cb.role) END AS r
       FROM cloud_binding cb
       JOIN gm ON gm.gid = cb.gid
       JOIN based b ON b.mid = gm.uid""",
    # R3: direct owner > direct readonly (a restriction) > highest of the rest.
    """CREATE TEMP TABLE cloud_roles AS
       SELECT cid, uid,
              CASE WHEN bool_or(kind = 'd' AND r = 3) THEN 3
                   WHEN bool_or(kind = 'd' AND r = 1) THEN 1
                   ELSE max(r) END AS r
       FROM cloud_grants
       WHERE r IS NOT NULL
       GROUP BY cid, uid""",
    # R4: project grants of known projects; kept only where the parent cloud gives the member a role
    # (strict hierarchy: orphans dropped); highest wins; readonly parent caps all but owner.
    """CREATE TEMP TABLE project_grants AS
       SELECT pd.pid, pd.uid, role_rank(pd.level) AS r
       FROM project_direct pd
       UNION ALL
       SELECT pb.pid, gm.uid, role_rank(pb.role) AS r
       FROM project_binding pb JOIN gm ON gm.gid = pb.gid""",
    """CREATE TEMP TABLE project_roles AS
       SELECT p.pid, p.pname, p.parent AS cid, pg.uid,
              CASE WHEN any_value(cr.r) = 1 AND max(pg.r) < 3 THEN 1 ELSE max(pg.r) END AS r
       FROM project_grants pg
       JOIN projects p ON p.pid = pg.pid
       JOIN cloud_roles cr ON cr.cid = p.parent AND cr.uid = pg.uid
       WHERE pg.r IS NOT NULL
       GROUP BY p.pid, p.pname, p.parent, pg.uid""",
]

# R1 + R6: org owners, each once, by email then id (binary collation = UTF-8 byte order).
OWNERS_SQL = """
    SELECT mid, email, sa FROM member_roles WHERE org_owner
    ORDER BY email, mid
"""

# R5 + R6: the listed members (at least one cloud entry) by email then id; their cloud entries by
# cloud name then id; the project entries of each cloud entry by project name then id. Each level is
# numbered in output order so that Python only has to append rows to their parent by index.
# (Flat rows: ordered list() aggregates over millions of groups cost DuckDB far more memory.)
LISTING_SQL = [
    """CREATE TEMP TABLE listed AS
       SELECT m.mid, m.email, m.sa, (row_number() OVER (ORDER BY m.email, m.mid)) - 1 AS uidx
       FROM member_roles m
       WHERE m.mid IN (SELECT uid FROM cloud_roles)""",
    """CREATE TEMP TABLE entries AS
       SELECT l.uidx, cr.uid, cr.cid, c.cname, cr.r,
              (row_number() OVER (ORDER BY l.uidx, c.cname, cr.cid)) - 1 AS eidx
       FROM cloud_roles cr
       JOIN listed l ON l.mid = cr.uid
       JOIN clouds c ON c.cid = cr.cid""",
]
USERS_SQL = "SELECT mid, email, sa FROM listed ORDER BY uidx"
CLOUDS_SQL = "SELECT uidx, cid, cname, rank_name(r) FROM entries ORDER BY eidx"
PROJECTS_SQL = """
    SELECT e.eidx, pr.pid, pr.pname, rank_name(pr.r)
    FROM project_roles pr
    JOIN entries e ON e.uid = pr.uid AND e.cid = pr.cid
    ORDER BY e.eidx, pr.pname, pr.pid
"""


def assemble_users(user_rows, cloud_rows, project_rows):
    """Nest the ordered rows (children refer to their parent by its index); no decision here."""
    users = [{"clouds": [], "is_service_account": sa, "user_email": email, "user_id": mid}
             for mid, email, sa in user_rows]
    entries = [{"cloud_id": cid, "cloud_name": cname, "projects": [], "role": role}
               for _uidx, cid, cname, role in cloud_rows]
    for (uidx, _cid, _cname, _role), entry in zip(cloud_rows, entries):
        users[uidx]["clouds"].append(entry)
    for eidx, pid, pname, role in project_rows:
        entries[eidx]["projects"].append({"project_id": pid, "project_name": pname, "role": role})
    return users, len(entries), len(project_rows)


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    ap.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 8GB")
    ap.add_argument("--quiet", action="store_true", help="no timings on stderr")
    args = ap.parse_args(argv)

    def log(msg):
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    if args.memory_limit:
        con.execute(f"SET memory_limit = {sql_str(args.memory_limit)}")

    # ---- load ----
    size = os.path.getsize(args.snapshot)
    max_size = max(16 * 1024 * 1024, size + 1024)
    for stmt in LOAD_SQL:
        con.execute(stmt.format(path=sql_str(args.snapshot), max_size=max_size, columns=SNAPSHOT_COLUMNS))
    fmt, org_id = con.execute("SELECT format, organization_id FROM meta").fetchone()
    if fmt != "permaudit-snapshot/1":
        print(f"error: {args.snapshot}: format is {fmt!r}, expected 'permaudit-snapshot/1'", file=sys.stderr)
        return 2
    t1 = time.perf_counter()

    # ---- compute: the rules, in SQL ----
    for stmt in COMPUTE_SQL + LISTING_SQL:
        con.execute(stmt)
    t2 = time.perf_counter()

    # ---- fetch the ordered result rows into Python ----
    owner_rows = con.execute(OWNERS_SQL).fetchall()
    user_rows = con.execute(USERS_SQL).fetchall()
    cloud_rows = con.execute(CLOUDS_SQL).fetchall()
    project_rows = con.execute(PROJECTS_SQL).fetchall()
    t3 = time.perf_counter()

    # ---- assemble the nested document from the rows ----
    users, n_clouds, n_projects = assemble_users(user_rows, cloud_rows, project_rows)
    n_members = con.execute("SELECT count(*) FROM members").fetchone()[0]
    del user_rows, cloud_rows, project_rows
    con.close()
    doc = {
        "org_owners": [
            {"is_service_account": sa, "user_email": email, "user_id": mid} for mid, email, sa in owner_rows
        ],
        "organization_id": org_id,
        "users": users,
    }
    t4 = time.perf_counter()

    # ---- write: the official CLI's byte format ----
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    t5 = time.perf_counter()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    t6 = time.perf_counter()

    log(
        f"duckdb-peer: {size / 1e6:.1f} MB snapshot, {n_members} members, {len(owner_rows)} org owners, "
        f"{len(users)} users listed, {n_clouds} cloud entries, {n_projects} project entries, "
        f"{len(text) / 1e6:.1f} MB output"
    )
    log(
        f"duckdb-peer: phases: import {t0 - T_START:.3f}s | load {t1 - t0:.3f}s | compute {t2 - t1:.3f}s | "
        f"fetch {t3 - t2:.3f}s | assemble {t4 - t3:.3f}s | "
        f"write {t6 - t4:.3f}s (json.dumps {t5 - t4:.3f}s, output {t6 - t5:.3f}s) | total {t6 - T_START:.3f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
