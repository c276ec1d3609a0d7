#!/usr/bin/env bash
# systemd's ExecStart for the platform on a VM: fetches this role's secrets from Key Vault with
# the VM's user-assigned managed identity (read at every start, so a rotated secret takes effect
# on restart), puts them where `platform node` / `platform edge` read them (environment
# variables and the tokens' hashes), and execs the process so systemd supervises it directly.
set -euo pipefail

identity_token() {
  curl -fsS --retry 10 --retry-connrefused -H Metadata:true \
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=$PLATFORM_IDENTITY_CLIENT_ID" \
    | jq -r .access_token
}

# Prints one secret's value; the value goes only into this process's environment.
secret() {
  curl -fsS --retry 5 -H "Authorization: Bearer $access_token" \
    "${PLATFORM_KEY_VAULT_URI%/}/secrets/$1?api-version=7.4" | jq -r .value
}

access_token="$(identity_token)"

case "$PLATFORM_ROLE" in
  node)
    PLATFORM_INTER_REGION_SECRET="$(secret inter-region-secret)"
    PLATFORM_AZURE_TABLES="$(secret azure-tables-connection)"
    export PLATFORM_INTER_REGION_SECRET PLATFORM_AZURE_TABLES
    admin_hash="$(secret admin-token | tr -d '\n' | sha256sum | cut -d' ' -f1)"
    edge_hash="$(secret edge-token | tr -d '\n' | sha256sum | cut -d' ' -f1)"
    unset access_token
    # --clustering azure-table reads the Table Storage connection string from PLATFORM_AZURE_TABLES;
    # --address is the VM's private IP: every listener binds it, and Orleans advertises it in that table.
    exec /opt/platform/platform node \
      --region "$PLATFORM_REGION" --name "$PLATFORM_NODE" --nodes "$PLATFORM_NODES" \
      --data-dir /var/lib/platform --address "$PLATFORM_NODE_IP" \
      --http-port "$PLATFORM_NODE_HTTP_PORT" --silo-port "$PLATFORM_SILO_PORT" --gateway-port "$PLATFORM_GATEWAY_PORT" \
      --clustering azure-table \
      --admin-token-sha256 "$admin_hash" --edge-token-sha256 "$edge_hash" \
      --inter-region-port "$PLATFORM_INTER_REGION_PORT" --peers "$PLATFORM_PEERS" \
      --global-voters "$PLATFORM_GLOBAL_VOTERS"
    ;;
  edge)
    # The edge reads with its own token (the nodes grant it read on every namespace, nothing more).
    PLATFORM_EDGE_TOKEN="$(secret edge-token)"
    export PLATFORM_EDGE_TOKEN
    unset access_token
    exec /opt/platform/platform edge \
      --region "$PLATFORM_REGION" --port "$PLATFORM_EDGE_PORT" \
      --nodes "$PLATFORM_EDGE_NODES" --remote "$PLATFORM_EDGE_REMOTE"
    ;;
  *)
    echo "platform-run: unknown role '$PLATFORM_ROLE'" >&2
    exit 2
    ;;
esac
