#!/usr/bin/env bash
# Compares two built sites file by file (SHA-256 of every file, the build manifest excluded
# because it records unit keys that change with the binary). Prints one line per difference
# (`only in A`, `only in B`, `differs`) and a summary; exits 1 when the trees differ.
# Usage: scripts/compare-trees.sh A B [--except PATH]...
set -euo pipefail
export LC_ALL=C
a=$1 b=$2
shift 2
except=(.seecovid-manifest.json)
while (($#)); do
    case $1 in
    --except) except+=("$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
ha=$(mktemp) hb=$(mktemp)
trap 'rm -f "$ha" "$hb"' EXIT
skip() { local p=$1; for e in "${except[@]}"; do [ "$p" = "./$e" ] && return 0; done; return 1; }
list() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) |
        while read -r sha path; do skip "$path" || printf '%s %s\n' "$path" "$sha"; done
}
list "$a" >"$ha"
list "$b" >"$hb"
join -a1 -a2 -e MISSING -o 0,1.2,2.2 "$ha" "$hb" | awk -v A="$a" -v B="$b" '
    $2 == "MISSING" { print "only in " B ": " substr($1, 3); d++; next }
    $3 == "MISSING" { print "only in " A ": " substr($1, 3); d++; next }
    $2 != $3 { print "differs: " substr($1, 3); d++; next }
    { same++ }
    END { printf "%d files identical, %d differences\n", same, d + 0; exit (d > 0) }'
