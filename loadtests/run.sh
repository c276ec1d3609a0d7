#!/usr/bin/env bash
# The benchmarks (docs/api.md, Developer commands):
#   loadtests/run.sh [scenario]      scenario: consensus | fsync | storage | regional | up | failover | global | replication | drills | edge | herd | versus | all (default)
# Builds in Release, runs BenchmarkDotNet in its default (full) job (or the storage harness) and
# writes each report to loadtests/results/<scenario>/, so the figures are committed with the code
# that produced them. The storage harness writes in $BENCH_SCRATCH (default: loadtests/.scratch,
# on the same disk as the repository) and needs about 1.2 GB free there.
# regional: the load-test harness (Platform.LoadTests) against real `platform up` clusters: write
# latency at the leader and through a follower, write and read throughput at concurrency 64, and
# `platform up` with 3 regions x 3 nodes (also written to results/up/), then (last, as it kills a
# node) leader failover: 3 fresh 3-node clusters, each SIGKILLs its group's leader under 8 writers
# (also written to results/failover/); about 5 minutes. `up` and `failover` each run only that
# part. LOADTEST_SECONDS (default 15), LOADTEST_WARMUP_SECONDS (3; also the writing before each kill),
# LOADTEST_WRITES (2000), LOADTEST_CONCURRENCY (64) shorten a trial; LOADTEST_RESULTS sends its
# reports elsewhere (default loadtests/results); LOADTEST_DATA_ROOT holds the temporary data directories.
# global: the same harness against `platform up` with 3 regions x 3 nodes and --wan-rtt 80ms: one writer
# at a time writes a strong-global namespace at a node of each region and a local-commit namespace in
# eu-west, against the goal of one WAN round trip plus at most 5 ms (results/global/); about 5 minutes.
# LOADTEST_GLOBAL_WRITES (300 per target) shortens a trial.
# replication: local-commit replication on `platform up` clusters: write latency at the home (3 x 3, --wan-rtt
# 80ms) against a single 3-node region, replication lag under 1,000 writes/s seen on a watch in each other
# region, and the replicator's catch-up throughput after a region was cut off (results/replication/);
# about 4 minutes.
# drills: failover drills through POST /v1/drills on `platform up` 3 x 3 with --wan-rtt 80ms --chaos: one
# local-commit namespace homed in eu-west, in rounds of a switchover to us-east, its failback, the loss of
# eu-west (isolated, promoted elsewhere, healed) and a switchover back home; the switchovers' write pause
# and RTO, the region losses' RTO, realized RPO, lost writes and promote phase, from the drills' own
# reports, against the goals (pause under 1 s; RTO under the lease + 2 s = 8.24 s) (results/drills/).
# LOADTEST_DRILL_ROUNDS (default 3) shortens a trial.
# edge: the edge proxy of `platform up --regions eu-west --nodes 3`: cached reads of one key with wrk (-t2,
# 64 and 1,000 connections, LOADTEST_SECONDS each) through the edge and through nginx's proxy_cache in front
# of a node, side by side; the edge's memory per cached key (LOADTEST_EDGE_KEYS, default 20000); 10,000
# downstream SSE watchers (LOADTEST_EDGE_WATCHERS) of one namespace: memory per watcher, one upstream watch,
# delivery latency of LOADTEST_EDGE_WRITES (20) writes 500 ms apart (results/edge/); the cached-read runs in
# LOADTEST_EDGE_ROUNDS (3) rounds, judged on the median; about 6 minutes.
# herd: a cold-start herd on `platform up --regions eu-west --nodes 3`: LOADTEST_HERD_CLIENTS (default 10,000)
# clients released at once, each on its own HTTP/1.1 connection, each reading 10 keys of a namespace nobody
# has read yet, through the region's edge and (side by side, alternating which goes first) straight from the
# 3 nodes with serializable reads; when the whole fleet had its configuration (p50/p99/p99.9/all), retries
# after 429/503, and how many reads reached the nodes (results/herd/); LOADTEST_EDGE_ROUNDS (3) rounds;
# about 3 minutes.
# versus: the platform against etcd, same machine, same run, 3 members each with fsync on: `platform up --regions
# eu-west --nodes 3` through the nodes' HTTP API, and etcd 3.4 (Debian's etcd-server) as 3 members on 127.0.0.1 started
# and stopped by loadtests/etcd.sh, through dotnet-etcd. Per system, in LOADTEST_ROUNDS (3) rounds that alternate the
# systems on fresh clusters: writes of 64-byte values to distinct keys and to one hot key with 1, 16, 64 and 256
# closed-loop writers (LOADTEST_VERSUS_CONCURRENCIES), open-loop writes at LOADTEST_OPEN_RATE (1000/s; latency from
# each write's intended start, at most 256 outstanding), CAS (read modRevision, then a transaction comparing it) with
# 16 workers on 8 keys (conflicts counted apart from errors), linearizable and serializable reads with 64 readers,
# watch delivery of LOADTEST_WATCH_WRITES (20) writes to 1,000 and 10,000 watchers at one member
# (LOADTEST_VERSUS_WATCHERS; the platform's over HTTP/1.1 SSE, etcd's multiplexed 1,000 per gRPC Watch stream over up
# to 4 connections as etcd's Go client does); then LOADTEST_KILL_TRIALS (3) leader kills per system on fresh clusters
# (SIGKILL of the leader under 4 writers writing through the other members; time to the next acknowledged write).
# Each phase: LOADTEST_WARMUP_SECONDS (2) of warm-up, then LOADTEST_SECONDS (10) measured, in HdrHistogram, with a
# progress line every second; each fresh cluster first gets LOADTEST_CLUSTER_WARMUP_SECONDS (20) of unrecorded
# writes and reads (the platform's JIT warms up; etcd is compiled ahead of time); in leader kills every write gives
# up after 250 ms (both systems), so the figure is the cluster's, not a server's request timeout. Writes results/<yyyy-MM-dd>.md (a table per scenario: ops/s median and min-max over
# the rounds, p50/p99/p99.9, platform/etcd ratios, the five goals judged, the edge/nginx figures of results/edge/),
# results/<yyyy-MM-dd>.json (the raw figures) and one SVG percentile chart per phase in results/<yyyy-MM-dd>/;
# about 25 minutes. LOADTEST_SMOKE=1 is the CI's few-second version. Installs Debian's etcd-server and etcd-client
# when missing.
# Installs Debian's wrk and nginx when missing (nginx's service is not started: the harness runs its own on
# 127.0.0.1), and raises the open-file limit to the hard limit (10,000 watchers are as many sockets).
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
  # versus after edge and herd: its report shows their figures (results/edge/, results/herd/).
  all) scenarios=(consensus fsync storage regional global replication drills edge herd versus) ;;
  consensus|fsync|storage|regional|up|failover|global|replication|drills|edge|herd|versus) scenarios=("$scenario") ;;
  *) echo "usage: loadtests/run.sh [consensus|fsync|storage|regional|up|failover|global|replication|drills|edge|herd|versus|all]" >&2; exit 2 ;;
esac

case " ${scenarios[*]} " in
  *" consensus "*|*" fsync "*|*" storage "*)
    dotnet build "$here/Platform.Benchmarks/Platform.Benchmarks.csproj" -c Release -nologo -clp:ErrorsOnly ;;
esac
# Installs the Debian packages named, without letting any of them start a service: Debian's nginx
# would listen on port 80 of every address, its etcd on 2379. policy-rc.d answers 101 (action
# forbidden) to a package's start; only one made here is removed.
install_debian() {
  [ "$#" -gt 0 ] || return 0
  echo "==> installing $* (Debian)"
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
}

missing=()
case " ${scenarios[*]} " in
  *" edge "*)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || missing+=(nginx) ;;
esac
case " ${scenarios[*]} " in
  *" versus "*)
    command -v etcd >/dev/null || missing+=(etcd-server)
    command -v etcdctl >/dev/null || missing+=(etcd-client) ;;
esac
install_debian "${missing[@]}"
case " ${scenarios[*]} " in
  # wrk's 1,000 connections and the 10,000 watchers' sockets (edge), the herd's 10,000 connections at
  # both ends, 10,000 SSE watchers at one node (versus); children (platform up, its nodes and edge) inherit it.
  *" edge "*|*" herd "*|*" versus "*) ulimit -n "$(ulimit -Hn)" ;;
esac
case " ${scenarios[*]} " in
  *" regional "*|*" up "*|*" failover "*|*" global "*|*" replication "*|*" drills "*|*" edge "*|*" herd "*|*" versus "*)
    # The harness starts the CLI's release build as `dotnet platform.dll up ...`.
    dotnet build "$root/cli/Platform.Cli/Platform.Cli.csproj" -c Release -nologo -clp:ErrorsOnly
    dotnet build "$here/Platform.LoadTests/Platform.LoadTests.csproj" -c Release -nologo -clp:ErrorsOnly ;;
esac

for s in "${scenarios[@]}"; do
  if [ "$s" = regional ] || [ "$s" = up ] || [ "$s" = failover ] || [ "$s" = global ] || [ "$s" = replication ] || [ "$s" = drills ] || [ "$s" = edge ] || [ "$s" = herd ] || [ "$s" = versus ]; then
    echo "==> load test: $s"
    dotnet "$here/Platform.LoadTests/bin/Release/net10.0/Platform.LoadTests.dll" "$s" \
      --platform "$root/cli/Platform.Cli/bin/Release/net10.0/platform.dll" \
      --results "${LOADTEST_RESULTS:-$here/results}" --repo "$root"
    continue
  fi
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
