// The region's observability: a Log Analytics workspace for the VMs' logs (syslog, where systemd
// journals the node and edge output) and an Azure Monitor workspace for their Prometheus metrics.
// Each VM runs Prometheus scraping its own /metrics and remote-writing to the data collection
// rule below with its managed identity (Azure Monitor's documented path for self-managed
// Prometheus), so metric names stay exactly what /metrics shows.
import { roles } from 'roles.bicep'

param location string
param namePrefix string

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int

@description('Principal ids of the identities that publish metrics (nodes and edges).')
param publisherPrincipalIds string[]

param tags object

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource metricsWorkspace 'Microsoft.Monitor/accounts@2023-04-03' = {
  name: '${namePrefix}-metrics'
  location: location
  tags: tags
}

resource ingestion 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: '${namePrefix}-dce'
  location: location
  tags: tags
  properties: {
    networkAcls: { publicNetworkAccess: 'Enabled' }
  }
}

// Remote-written Prometheus samples land in the Azure Monitor workspace unchanged.
resource prometheusRule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: '${namePrefix}-prometheus-dcr'
  location: location
  tags: tags
  properties: {
    dataCollectionEndpointId: ingestion.id
    dataSources: {
      prometheusForwarder: [
        {
          name: 'platformMetrics'
          streams: ['Microsoft-PrometheusMetrics']
          labelIncludeFilter: {}
        }
      ]
    }
    destinations: {
      monitoringAccounts: [{ name: 'metrics', accountResourceId: metricsWorkspace.id }]
    }
    dataFlows: [{ streams: ['Microsoft-PrometheusMetrics'], destinations: ['metrics'] }]
  }
}

// The Azure Monitor Agent forwards syslog (journald's copy of the node and edge output).
resource syslogRule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: '${namePrefix}-syslog-dcr'
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataSources: {
      syslog: [
        {
          name: 'platformSyslog'
          streams: ['Microsoft-Syslog']
          facilityNames: ['daemon', 'user', 'syslog']
          logLevels: ['Info', 'Notice', 'Warning', 'Error', 'Critical', 'Alert', 'Emergency']
        }
      ]
    }
    destinations: {
      logAnalytics: [{ name: 'logs', workspaceResourceId: logs.id }]
    }
    dataFlows: [{ streams: ['Microsoft-Syslog'], destinations: ['logs'] }]
  }
}

resource publishers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in publisherPrincipalIds: {
  scope: prometheusRule
  name: guid(prometheusRule.id, principalId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

output logAnalyticsWorkspaceId string = logs.id
output metricsWorkspaceId string = metricsWorkspace.id
output syslogRuleId string = syslogRule.id
@description('Prometheus remote_write URL of the region (Azure Monitor ingestion API for the rule above).')
output prometheusRemoteWriteUrl string = '${ingestion.properties.metricsIngestion.endpoint}/dataCollectionRules/${prometheusRule.properties.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24'
output prometheusQueryEndpoint string = metricsWorkspace.properties.metrics.prometheusQueryEndpoint
