// The region's Table Storage account: Orleans cluster membership (the OrleansSiloInstances table,
// what `platform node --clustering azurite` uses through PLATFORM_AZURE_TABLES). Only the nodes'
// subnet may reach it.
import { roles } from 'roles.bicep'

param location string

@description('Globally unique, 3-24 lowercase letters and digits.')
@minLength(3)
@maxLength(24)
param accountName string

@description('Standard_ZRS keeps membership through a zone loss where the location has zones; Standard_LRS for dev.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param skuName string

@description('The nodes\' subnet, the only network admitted.')
param nodeSubnetId string

@description('Principal id of the nodes\' managed identity.')
param nodePrincipalId string

param tags object

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The node takes a connection string (PLATFORM_AZURE_TABLES), which needs the account key;
    // the data-plane role below is granted for when it can use its managed identity instead.
    allowSharedKeyAccess: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [{ id: nodeSubnetId, action: 'Allow' }]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Orleans creates this table on first start; creating it here makes the deployment the owner of
// its lifecycle and lets the node's identity be scoped to it.
resource membershipTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'OrleansSiloInstances'
}

resource nodeTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, nodePrincipalId, roles.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: nodePrincipalId
    principalType: 'ServicePrincipal'
  }
}

output accountName string = account.name
output tableEndpoint string = account.properties.primaryEndpoints.table
