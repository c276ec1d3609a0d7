#!/usr/bin/env bash
# Runs once, from cloud-init, on every node and edge VM. Reads /etc/platform/deploy.env (written
# by the Bicep templates: role, region, addresses, Key Vault, package URL; no secret values),
# prepares the WAL disk on nodes, installs the platform and Prometheus, and starts the services.
# Secrets are never written here: platform-run fetches them from Key Vault at every start.
set -euo pipefail

set -a
# shellcheck disable=SC1091
. /etc/platform/deploy.env
set +a

log() { echo "platform-install: $*"; }

# The WAL disk: LUN 0, attached by the template with host caching off so fsync reaches the disk.
# Formatted only when it holds no file system, so a replaced VM keeps the node's log and replica id.
prepare_wal_disk() {
  local device=/dev/disk/azure/scsi1/lun0
  for _ in $(seq 1 60); do [ -e "$device" ] && break; sleep 2; done
  [ -e "$device" ] || { log "no data disk at $device"; exit 1; }
  if ! blkid "$device" >/dev/null 2>&1; then
    log "formatting the empty WAL disk"
    mkfs.ext4 -q -L platform-wal "$device"
  fi
  mkdir -p /var/lib/platform
  local uuid
  uuid="$(blkid -s UUID -o value "$device")"
  grep -q "$uuid" /etc/fstab || echo "UUID=$uuid /var/lib/platform ext4 defaults,noatime,nofail 0 2" >> /etc/fstab
  mountpoint -q /var/lib/platform || mount /var/lib/platform
}

install_packages() {
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends jq curl ca-certificates prometheus
  # remote_write with azuread managed identity needs Prometheus 2.45 or later.
  local version
  version="$(prometheus --version 2>&1 | sed -n 's/^prometheus, version \([0-9]*\.[0-9]*\).*/\1/p')"
  if [ "$(printf '%s\n2.45\n' "$version" | sort -V | head -1)" != "2.45" ]; then
    log "Prometheus $version cannot remote-write with a managed identity (needs 2.45+); metrics stay local"
    PLATFORM_METRICS_WRITE_URL=""
  fi
}

install_platform() {
  mkdir -p /opt/platform
  curl -fsSL --retry 5 "$PLATFORM_PACKAGE_URL" -o /tmp/platform.tar.gz
  tar -xzf /tmp/platform.tar.gz -C /opt/platform
  rm -f /tmp/platform.tar.gz
  chmod 0755 /opt/platform/platform
}

# Forwards a port of every address to the loopback port the edge binds (port 80 needs privileges
# the unprivileged edge does not have; systemd binds it).
socket_proxy() {
  local name="$1" listen="$2" target="$3"
  cat > "/etc/systemd/system/platform-proxy-$name.socket" <<UNIT
[Unit]
Description=platform: $listen to $target
[Socket]
ListenStream=$listen
FreeBind=true
[Install]
WantedBy=sockets.target
UNIT
  cat > "/etc/systemd/system/platform-proxy-$name.service" <<UNIT
[Unit]
Description=platform: forwards $listen to $target
After=platform.service
[Service]
ExecStart=/usr/lib/systemd/systemd-socket-proxyd $target
UNIT
  systemctl enable --now "platform-proxy-$name.socket"
}

# The node and the edge run as an unprivileged system user; only the socket proxies (port 80 on
# edges) are bound by systemd itself.
create_user() {
  id platform >/dev/null 2>&1 || useradd --system --home-dir /var/lib/platform --no-create-home --shell /usr/sbin/nologin platform
  mkdir -p /var/lib/platform
  chown platform:platform /var/lib/platform
}

write_service() {
  cat > /etc/systemd/system/platform.service <<UNIT
[Unit]
Description=platform $PLATFORM_ROLE ($PLATFORM_REGION)
Wants=network-online.target
After=network-online.target
RequiresMountsFor=/var/lib/platform
[Service]
EnvironmentFile=/etc/platform/deploy.env
User=platform
Group=platform
ExecStart=/usr/local/bin/platform-run
Restart=always
RestartSec=2
# SIGTERM lets the node stop cleanly (flush, leave the cluster) before systemd kills it.
KillSignal=SIGTERM
TimeoutStopSec=30
LimitNOFILE=65536
[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now platform.service
}

write_prometheus() {
  local target="$1" instance="$2"
  {
    echo "global:"
    echo "  scrape_interval: 15s"
    echo "  external_labels: { region: '$PLATFORM_REGION', role: '$PLATFORM_ROLE', instance_name: '$instance' }"
    echo "scrape_configs:"
    echo "  - job_name: platform-$PLATFORM_ROLE"
    echo "    static_configs: [ { targets: ['$target'] } ]"
    if [ -n "$PLATFORM_METRICS_WRITE_URL" ]; then
      echo "remote_write:"
      echo "  - url: '$PLATFORM_METRICS_WRITE_URL'"
      echo "    azuread:"
      echo "      cloud: AzurePublic"
      echo "      managed_identity: { client_id: '$PLATFORM_IDENTITY_CLIENT_ID' }"
    fi
  } > /etc/prometheus/prometheus.yml
  # Prometheus listens on 9090 for local queries only.
  echo 'ARGS="--web.listen-address=127.0.0.1:9090 --storage.tsdb.retention.time=2d"' > /etc/default/prometheus
  systemctl restart prometheus
}

install_packages
install_platform
case "$PLATFORM_ROLE" in
  node)
    prepare_wal_disk
    create_user
    write_service
    # The node listens on the VM's private address itself (--address): no proxy in between.
    write_prometheus "$PLATFORM_NODE_IP:$PLATFORM_NODE_HTTP_PORT" "$PLATFORM_NODE"
    ;;
  edge)
    create_user
    write_service
    socket_proxy edge "$PLATFORM_EDGE_PUBLIC_PORT" "127.0.0.1:$PLATFORM_EDGE_PORT"
    write_prometheus "127.0.0.1:$PLATFORM_EDGE_PORT" "$(hostname)"
    ;;
  *) log "unknown role '$PLATFORM_ROLE'"; exit 1 ;;
esac
log "done"
