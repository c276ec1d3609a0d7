#!/usr/bin/env bash
# The benchmarks (shared/API.md, Developer commands):
#   loadtests/run.sh [scenario]      scenario: consensus | fsync | storage | all (default)
# Builds in Release, runs BenchmarkDotNet in its default (full) job (or the storage harness) and
# writes each report to loadtests/results/<scenario>/, so the figures are committed with the code
# that produced them. The storage harness writes in $BENCH_SCRATCH (default: loadtests/.scratch,
# on the same disk as the repository) and needs about 1.2 GB free there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario="${1:-all}"
job="${BENCH_JOB:-default}"

declare -A filters=(
  [consensus]='*ConsensusThroughputBenchmark*'
  [fsync]='*FsyncBenchmark*'
)

case "$scenario" in
  all) scenarios=(consensus fsync storage) ;;
  consensus|fsync|storage) scenarios=("$scenario") ;;
  *) echo "usage: loadtests/run.sh [consensus|fsync|storage|all]" >&2; exit 2 ;;
esac

dotnet build "$here/Platform.Benchmarks/Platform.Benchmarks.csproj" -c Release -nologo -clp:ErrorsOnly

for s in "${scenarios[@]}"; do
  if [ "$s" = storage ]; then
    scratch="${BENCH_SCRATCH:-$here/.scratch}"
    mkdir -p "$scratch" "$here/results/storage"
    echo "==> benchmark: storage (scratch: $scratch)"
    dotnet "$here/Platform.Benchmarks/bin/Release/net10.0/Platform.Benchmarks.dll" storage "$here/results/storage/storage-report.md" "$scratch"
    rm -rf "$scratch"
    continue
  fi
  artifacts="$(mktemp -d)"
  echo "==> benchmark: $s (job: $job)"
  # BenchmarkDotNet generates and builds its runner next to the project, so run from there.
  (cd "$here/Platform.Benchmarks" && dotnet bin/Release/net10.0/Platform.Benchmarks.dll \
    --filter "${filters[$s]}" --job "$job" --artifacts "$artifacts")
  mkdir -p "$here/results/$s"
  cp "$artifacts"/results/*-report-github.md "$here/results/$s/"
  cp "$artifacts"/results/*-report.csv "$here/results/$s/"
  rm -rf "$artifacts"
  echo "==> results in loadtests/results/$s/"
done
