//! Help texts that several commands share: the `--org` option, and what every `--help` ends with
//! (examples and exit codes, clap's `after_help`). The exit codes named here are the constants of
//! [`super`]; a test checks that every command's help lists them.

/// Help of `--org` on every command that reads an organization.
pub const ORG: &str = "Snapshot file to read the organization from; without it, the organization is collected \
                       live from the Anyscale API (ANYSCALE_HOST, ANYSCALE_CLI_TOKEN).";

/// Help of `--org` on `user batch-create`, which writes to the organization.
pub const ORG_TO_WRITE: &str = "Snapshot file to add the users to (rewritten atomically); without it, the users \
                                are created live through the Anyscale API (ANYSCALE_HOST, ANYSCALE_CLI_TOKEN).";

/// `permaudit --help`.
pub const PERMAUDIT: &str = "\
Examples:
  permaudit collect --out snap.json                      read the organization live (ANYSCALE_CLI_TOKEN)
  permaudit report --org snap.json --out-dir report      JSON, CSV and HTML reports
  permaudit explain --org snap.json --user alice@example.com
  permaudit verify report --public-key audit.pub         was the report changed since it was made?
  permaudit user list-permissions --org snap.json        the official CLI's output, byte for byte
  permaudit completions bash > ~/.local/share/bash-completion/completions/permaudit

Exit codes:
  0  success
  1  error: unreadable or invalid input, an unknown member, no token, an unreachable host
  2  command-line usage error
  3  incomplete data: the collection gave up on some endpoint after its retries
  4  findings: report --fail-on-anomalies found anomalies, check a failing control, verify a
     changed, missing or extra file or a bad signature";

/// `permaudit collect --help`.
pub const COLLECT: &str = "\
Examples:
  export ANYSCALE_CLI_TOKEN=...        (or ~/.anyscale/credentials.json: {\"cli_token\": \"...\"})
  permaudit collect --out snap.json
  permaudit collect --archive /var/lib/permaudit/archive   (a scheduled snapshot: docs/scheduled-snapshots.md)
  ANYSCALE_HOST=http://127.0.0.1:8080 permaudit collect --out snap.json --concurrency 4

Exit codes:
  0  the snapshot is written, complete
  1  error: no token, a refused token, an unreachable host, an unwritable file, an archive
     that refuses the snapshot (another organization, an older collection)
  2  command-line usage error
  3  incomplete: some cloud or project could not be read (the snapshot is written with
     \"complete\": false and its gaps), or a top-level list could not be read (nothing is written)";

/// `permaudit archive --help`.
pub const ARCHIVE: &str = "\
Examples:
  permaudit collect --archive /var/lib/permaudit/archive      collect live and archive the snapshot
  permaudit archive add snap.json --archive archive
  permaudit archive verify archive
  permaudit archive prune archive --keep-days 90
  permaudit history archive --user dave@corp.com --from 2026-03-01 --to 2026-06-30

Exit codes:
  0  success
  1  error: unreadable input, a broken chain on rebuild, the archive locked with --no-wait
  2  command-line usage error
  3  archive add: the snapshot is incomplete (it is archived, its gaps marked uncertain)
  4  archive verify: a modified, missing, reordered or foreign file, or a database that differs";

/// `permaudit report --help`.
pub const REPORT: &str = "\
Examples:
  permaudit report --org snap.json --out-dir report
  permaudit report --org snap.json --out-dir offboarding --user-id alice@example.com
  permaudit report --out-dir report --fail-on-anomalies      (collected live)
  permaudit report --org snap.json --out-dir report --sign-key audit.key
  permaudit report --org snap.json --out-dir s --redact emails,names,ids --redact-key-file r.key

Exit codes:
  0  the files are written
  1  error: unreadable input, an unknown member, an unwritable directory, an unusable signing or
     redaction key; nothing is half-written
  2  command-line usage error
  3  the collection is incomplete: the files are written and say so (3 wins over 4)
  4  with --fail-on-anomalies: the files are written and the report holds anomalies";

/// `permaudit explain --help`.
pub const EXPLAIN: &str = "\
Examples:
  permaudit explain --org snap.json --user alice@example.com
  permaudit explain --org snap.json --user usr_alice --cloud prod
  permaudit explain --org snap.json --user usr_alice --project train --format json
  permaudit explain --org snap.json --user alice@example.com --redact emails --redact-key-file r.key

Exit codes:
  0  the explanation is printed
  1  error: unreadable input, an unknown member, an email shared by several members (the error
     lists their ids), an unknown or ambiguous cloud or project
  2  command-line usage error
  3  collected live, and the collection is incomplete: nothing is explained";

/// `permaudit generate --help`.
pub const GENERATE: &str = "\
Examples:
  permaudit generate --members 1000 --groups 20 --clouds 4 --projects 200 --grants 20000 --seed 1 --out org.json

Exit codes:
  0  the snapshot is written
  1  error: the file cannot be written (the message names the folder)
  2  command-line usage error";

/// `permaudit serve --help`.
pub const SERVE: &str = "\
Examples:
  PERMAUDIT_SERVE_TOKEN=sss_test permaudit serve --org fixtures/demo/org.json --addr 127.0.0.1:8080
  ANYSCALE_HOST=http://127.0.0.1:8080 ANYSCALE_CLI_TOKEN=sss_test permaudit collect --out snap.json

Exit codes:
  0  stopped by SIGINT or SIGTERM
  1  error: the snapshot cannot be read, the address cannot be bound, the token is unusable
  2  command-line usage error";

/// `permaudit completions --help`.
pub const COMPLETIONS: &str = "\
Examples:
  permaudit completions bash > ~/.local/share/bash-completion/completions/permaudit
  permaudit completions zsh > ~/.zfunc/_permaudit        (with fpath+=(~/.zfunc) before compinit)
  permaudit completions fish > ~/.config/fish/completions/permaudit.fish

Exit codes:
  0  the script is printed
  2  command-line usage error (an unknown shell)";

/// `permaudit man --help`.
pub const MAN: &str = "\
Examples:
  permaudit man | man -l -
  permaudit man --out-dir ~/.local/share/man/man1        one page per command: permaudit-report.1, ...

Exit codes:
  0  the page is printed, or the pages are written
  1  error: a page cannot be written
  2  command-line usage error";

/// `permaudit user --help`.
pub const USER: &str = "\
Examples:
  permaudit user list --org snap.json --collaborator-type all_accounts
  permaudit user get --org snap.json --email alice@example.com
  permaudit user list-permissions --org snap.json --user-id usr_alice
  permaudit user batch-create -f users.yaml --org snap.json

Exit codes:
  0  success
  1  error: as the official CLI, including no match for user get
  2  command-line usage error
  3  user list-permissions collected live, and the collection is incomplete";

/// `permaudit user list --help`.
pub const USER_LIST: &str = "\
Examples:
  permaudit user list --org snap.json
  permaudit user list --org snap.json --service-account -o json
  permaudit user list --collaborator-type all_accounts --max-items 1000      (live)

Exit codes:
  0  success
  1  error: unreadable input, a refused token, an invalid --max-items or --page-size
  2  command-line usage error";

/// `permaudit user get --help`.
pub const USER_GET: &str = "\
Examples:
  permaudit user get --org snap.json --email alice@example.com
  permaudit user get --org snap.json --name 'Alice Liddell' -o json

Exit codes:
  0  the user is printed
  1  error: no user matches, unreadable input, a refused token
  2  command-line usage error (neither --email nor --name)";

/// `permaudit user batch-create --help`.
pub const USER_BATCH_CREATE: &str = "\
Examples:
  permaudit user batch-create -f users.yaml --org snap.json
  permaudit user batch-create -f users.yaml        (live: one POST /api/v2/users/admin_batch_create)

Exit codes:
  0  every user is created
  1  error: an invalid file (every bad entry is listed and nobody is created), or the API refused
  2  command-line usage error";

/// `permaudit user list-permissions --help`.
pub const USER_LIST_PERMISSIONS: &str = "\
Examples:
  permaudit user list-permissions --org snap.json
  permaudit user list-permissions --org snap.json --user-id usr_alice --output-file alice.json
  permaudit user list-permissions --output-format yaml       (collected live)

Exit codes:
  0  success
  1  error: unreadable input, a --user-id that is not a member id
  2  command-line usage error
  3  collected live, and the collection is incomplete: nothing is printed";
