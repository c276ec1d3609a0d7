#!/usr/bin/env bash
# The developer entry point (docs/api.md, Developer commands).
#   ./build.sh test [all|unit|simulation|integration]
# Installs what the tests need beyond the .NET SDK (only when missing), builds the solution and
# runs the chosen suite, ending with one line "N passed, N failed, N skipped".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

configuration="${CONFIGURATION:-Release}"
results_root="$root/TestResults"

usage() {
  echo "usage: ./build.sh test [all|unit|simulation|integration]" >&2
  echo "       ./build.sh build" >&2
  exit 2
}

log() { echo "==> $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Azurite's Table service backs the Orleans clustering tests; pinned in tools/package-lock.json.
ensure_azurite() {
  if [ -x "$root/tools/node_modules/.bin/azurite-table" ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js and npm from Debian (for Azurite)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  log "installing Azurite (npm ci in tools/)"
  (cd "$root/tools" && npm ci --no-audit --no-fund --loglevel=error)
}

# Debian's Chromium drives the dashboard's browser tests (Playwright downloads nothing here).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  log "installing Chromium from Debian (for the dashboard tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# Debian's etcd 3.4 is the peer of the load-test harness's smoke test (loadtests/etcd.sh starts its own members;
# the package's service is kept from starting, as it would listen on 2379 of every address).
ensure_etcd() {
  if command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1; then
    return
  fi
  log "installing etcd-server and etcd-client from Debian (for the load-test harness's smoke test)"
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null
  [ -z "$made_policy" ] || as_root rm -f /usr/sbin/policy-rc.d
}

build() {
  log "building Platform.sln ($configuration)"
  dotnet build "$root/Platform.sln" -c "$configuration" -nologo -clp:ErrorsOnly
}

# Runs one suite of the solution's test projects; its TRX files land in $results_root/<suite>.
# The suites are cut by the xunit trait Category: Simulation, Integration, and everything else (unit).
run_suite() {
  local suite="$1"
  local -a filter=()
  local -a parallel=()
  case "$suite" in
    unit) filter=(--filter-not-trait Category=Simulation --filter-not-trait Category=Integration) ;;
    # Each simulation spreads its seeds over every core: projects side by side only contend (the
    # global-layer simulation's 2,000 seeds took 3 min 1 s beside the others, about 2.5 min alone).
    simulation) filter=(--filter-trait Category=Simulation); parallel=(--max-parallel-test-modules 1) ;;
    # Integration tests start real processes; one test project at a time keeps 2 cores enough.
    integration) filter=(--filter-trait Category=Integration); parallel=(--max-parallel-test-modules 1) ;;
  esac
  log "running the $suite suite"
  # Exit code 8 means a project had no test in this suite; the summary below still catches a
  # run where no test ran at all.
  dotnet test --solution "$root/Platform.sln" -c "$configuration" --no-build \
    "${parallel[@]}" --results-directory "$results_root/$suite" --report-trx \
    --ignore-exit-code 8 "${filter[@]}"
}

# Sums the counters of every TRX file under $results_root and prints the closing line.
summarize() {
  local passed=0 failed=0 skipped=0 files=0
  local trx counters
  while IFS= read -r -d '' trx; do
    files=$((files + 1))
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    passed=$((passed + $(counter "$counters" passed)))
    failed=$((failed + $(counter "$counters" failed) + $(counter "$counters" error) + $(counter "$counters" timeout) + $(counter "$counters" aborted)))
    skipped=$((skipped + $(counter "$counters" notExecuted)))
  done < <(find "$results_root" -name '*.trx' -print0 2>/dev/null)
  echo "$passed passed, $failed failed, $skipped skipped"
  if [ "$files" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then
    echo "no test ran" >&2
    return 1
  fi
  [ "$failed" -eq 0 ]
}

counter() {
  local value
  value="$(echo "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]*' || true)"
  echo "${value:-0}"
}

test_command() {
  local suite="${1:-all}"
  local -a suites
  case "$suite" in
    all) suites=(unit simulation integration) ;;
    unit|simulation|integration) suites=("$suite") ;;
    *) usage ;;
  esac

  ensure_azurite
  ensure_chromium
  ensure_etcd
  build
  rm -rf "$results_root"
  local status=0
  for s in "${suites[@]}"; do
    run_suite "$s" || status=1
  done
  summarize || status=1
  return "$status"
}

case "${1:-}" in
  test) shift; test_command "$@" ;;
  build) build ;;
  *) usage ;;
esac
