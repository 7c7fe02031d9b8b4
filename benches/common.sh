# The set-up every benchmark script shares; sourced by them, not run:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh" NAME
#
# Leaves the working directory at the checkout's root and sets `root`, `bench` (target/bench, created)
# and `bin` (the release binary). Gives the scripts:
#   die MESSAGE...     prints "NAME: MESSAGE" on standard error and exits 2
#   show_help          prints the calling script's header comment (for -h and --help)
#   parse_options SPEC... -- ARG...
#                      reads the script's arguments: a SPEC `name:` takes a value into the variable
#                      `name`, a SPEC `name` is a flag that sets it to 1 (dashes become underscores), a
#                      SPEC `[name]` takes one optional argument that is not an option; -h and --help
#                      print the help, anything else is refused
#   require_gnu_time   installs Debian's `time` package when /usr/bin/time -v is missing and root may
#   build_release      builds the release binary
#   org_100k           prints the path of the 100,000-member benchmark organization, generated once

bench_name="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bench="$root/target/bench"
bin="$root/target/release/permaudit"
mkdir -p "$bench"

die() { echo "$bench_name: $*" >&2; exit 2; }

show_help() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }

parse_options() {
    local -a specs=()
    while [ "$1" != "--" ]; do specs+=("$1"); shift; done
    shift
    local spec option found positional=""
    while [ $# -gt 0 ]; do
        case "$1" in
            -h|--help) show_help; exit 0 ;;
            --*)
                option="${1#--}"; found=""
                for spec in "${specs[@]}"; do
                    if [ "$spec" = "$option:" ]; then
                        [ $# -ge 2 ] || die "$1 needs a value"
                        printf -v "${option//-/_}" '%s' "$2"; shift; found=1
                    elif [ "$spec" = "$option" ]; then
                        printf -v "${option//-/_}" '%s' 1; found=1
                    fi
                done
                [ -n "$found" ] || die "unknown option $1" ;;
            -*) die "unknown option $1" ;;
            *)
                for spec in "${specs[@]}"; do
                    case "$spec" in \[*\]) positional="${spec:1:${#spec}-2}" ;; esac
                done
                [ -n "$positional" ] || die "unexpected argument $1"
                [ -z "${!positional:-}" ] || die "one $positional at most"
                printf -v "$positional" '%s' "$1" ;;
        esac
        shift
    done
}

require_gnu_time() {
    /usr/bin/time -v true >/dev/null 2>&1 && return 0
    echo "$bench_name: /usr/bin/time (GNU time, for wall time and peak memory) is missing:" \
         "installing Debian's 'time' package" >&2
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >&2 \
            || die "could not install the 'time' package"
    else
        die "run as root: apt-get update && apt-get install -y time"
    fi
    /usr/bin/time -v true >/dev/null 2>&1 || die "/usr/bin/time -v still does not work"
}

build_release() {
    echo "== building permaudit (cargo build --release)" >&2
    cargo build --release --quiet || die "cargo build --release failed"
    [ -x "$bin" ] || die "$bin not found after the build"
}

org_100k() {
    local snapshot="$bench/org-100k.json"
    if [ ! -s "$snapshot" ]; then
        echo "== permaudit generate (the 100k-member benchmark organization)" >&2
        "$bin" generate --members 100000 --groups 2000 --clouds 200 --projects 20000 --grants 2000000 \
            --seed 7 --out "$snapshot" >&2 || die "permaudit generate failed"
    fi
    echo "$snapshot"
}
