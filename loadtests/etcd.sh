#!/usr/bin/env bash
# A 3-member etcd cluster on 127.0.0.1 for the versus load test (loadtests/run.sh versus):
#   loadtests/etcd.sh start DIR    starts members m1, m2, m3 on free ports, data under DIR/<member>,
#                                  logs in DIR/<member>.log, pids in DIR/<member>.pid, and writes
#                                  DIR/endpoints (client URLs, comma-separated) once every member is healthy
#   loadtests/etcd.sh stop DIR     SIGTERM to every member, SIGKILL after 10 s to any still running
# etcd 3.4 from Debian's etcd-server (and etcdctl from etcd-client, for the health check), with its
# default timers (heartbeat 100 ms, election 1000 ms) and fsync on (etcd's default), as a user runs it.
set -euo pipefail

members=(m1 m2 m3)
ready_seconds=30
stop_grace_seconds=10

usage() { echo "usage: loadtests/etcd.sh start|stop DIR" >&2; exit 2; }

# A port nothing listens on now, between 20000 and 32767 (below the ephemeral range, so a client's
# outgoing connection cannot take it meanwhile). Bash's /dev/tcp connect fails when the port is free.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12768))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qx "$port" "$taken" 2>/dev/null; then
      echo "$port" >> "$taken"
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

# True while pid runs an etcd of this DIR (a pid the system has reused for something else is left alone).
is_ours() {
  local pid="$1" dir="$2"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--data-dir $dir/"
}

start() {
  local dir="$1"
  command -v etcd >/dev/null || { echo "etcd is not installed (Debian: apt-get install etcd-server etcd-client)" >&2; exit 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  taken="$dir/.ports"
  : > "$taken"
  declare -A client peer
  local initial="" m
  for m in "${members[@]}"; do
    client[$m]="$(free_port)"
    peer[$m]="$(free_port)"
    initial+="${initial:+,}$m=http://127.0.0.1:${peer[$m]}"
  done

  # One token for all three members (it seeds the cluster id); new per start, so members of an old run never join.
  local token="load-$$-$RANDOM$RANDOM"
  local endpoints=""
  for m in "${members[@]}"; do
    # nohup and no terminal: the members outlive this script; stop finds them by their pid files.
    nohup etcd --name "$m" --data-dir "$dir/$m/" \
      --listen-client-urls "http://127.0.0.1:${client[$m]}" --advertise-client-urls "http://127.0.0.1:${client[$m]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[$m]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer[$m]}" \
      --initial-cluster "$initial" --initial-cluster-state new --initial-cluster-token "$token" \
      --logger zap --log-outputs stderr \
      > "$dir/$m.log" 2>&1 < /dev/null &
    echo "$!" > "$dir/$m.pid"
    endpoints+="${endpoints:+,}http://127.0.0.1:${client[$m]}"
  done

  local deadline=$((SECONDS + ready_seconds))
  until ETCDCTL_API=3 etcdctl --endpoints "$endpoints" --dial-timeout 1s --command-timeout 2s endpoint health >/dev/null 2>&1; do
    for m in "${members[@]}"; do
      if ! kill -0 "$(cat "$dir/$m.pid")" 2>/dev/null; then
        echo "etcd member $m exited while starting; its log:" >&2
        tail -n 20 "$dir/$m.log" >&2
        stop "$dir"
        exit 1
      fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "the etcd cluster was not healthy within $ready_seconds s" >&2
      stop "$dir"
      exit 1
    fi
    sleep 0.25
  done
  # Written last: its presence means the cluster is up (the harness reads it).
  echo "$endpoints" > "$dir/endpoints.tmp" && mv "$dir/endpoints.tmp" "$dir/endpoints"
  echo "$endpoints"
}

stop() {
  local dir="$1" m pid
  [ -d "$dir" ] || return 0
  dir="$(cd "$dir" && pwd)"
  local -a running=()
  for m in "${members[@]}"; do
    [ -f "$dir/$m.pid" ] || continue
    pid="$(cat "$dir/$m.pid")"
    if is_ours "$pid" "$dir"; then
      kill -TERM "$pid" 2>/dev/null || true
      running+=("$pid")
    fi
  done
  local waited=0
  while [ "${#running[@]}" -gt 0 ] && [ "$waited" -lt $((stop_grace_seconds * 10)) ]; do
    local -a still=()
    for pid in "${running[@]}"; do
      if is_ours "$pid" "$dir"; then still+=("$pid"); fi
    done
    running=("${still[@]+"${still[@]}"}")
    [ "${#running[@]}" -eq 0 ] && break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "${running[@]+"${running[@]}"}"; do
    echo "etcd pid $pid did not stop within $stop_grace_seconds s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$dir/endpoints"
}

[ "$#" -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
