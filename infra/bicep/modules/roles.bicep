// Built-in Azure role definition ids used by the deployment (the same in every tenant).

@export()
var roles = {
  // Reads secret values: nodes and edges fetch their secrets at start.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Reads and writes table entities: the Orleans membership table.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Sends metrics to a data collection rule: Prometheus remote write.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
