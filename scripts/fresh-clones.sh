#!/usr/bin/env bash
# Clones this repository N times (default 10), each into a new private temporary folder (mode 0700, as `mktemp -d`
# makes it, with a space in the checkout's path), installs from the lockfile and runs `npm test` there: the suite must
# pass wherever it is cloned, as root or not, run after run (#26). Prints one line per run and a closing count; exits 1
# if any run failed. `../shared` is linked beside each clone when it exists beside this checkout.
#   bash scripts/fresh-clones.sh [runs] [commit]
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-10}"
commit="${2:-HEAD}"
shared="$(cd "$here/.." && pwd)/shared"
passed=0
for i in $(seq 1 "$runs"); do
  parent="$(mktemp -d)"
  chmod 700 "$parent"
  checkout="$parent/bfd clone"
  log="$parent.log"
  start=$(date +%s)
  testSeconds="?"
  if git clone -q "$here" "$checkout" && git -C "$checkout" checkout -q "$commit" &&
    { [ ! -d "$shared" ] || ln -s "$shared" "$parent/shared"; } &&
    (cd "$checkout" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1 &&
    testStart=$(date +%s) && (cd "$checkout" && npm test) >>"$log" 2>&1; then
    passed=$((passed + 1))
    summary="passed"
  else
    summary="FAILED (log: $log)"
  fi
  [ -n "${testStart:-}" ] && testSeconds=$(($(date +%s) - testStart))
  unset testStart
  tests="$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ +Tests ' | tail -1 | sed -E 's/^ +//')"
  echo "run $i/$runs in $parent (mode $(stat -c %a "$parent")): $summary, npm test $testSeconds s ($(($(date +%s) - start)) s with clone and npm ci); $tests"
  [ "$summary" = "passed" ] && rm -rf "$parent" "$log"
done
echo "$passed of $runs fresh-clone runs passed"
[ "$passed" = "$runs" ]
