// The region's Key Vault: the bootstrap admin token, the edges' reader token, the inter-region
// secret and the Table Storage connection string. RBAC only, purge protection on; nodes read every
// secret, edges only the token they read with. Values come in as secure parameters and never leave as outputs.
import { roles } from 'roles.bicep'

param location string

@description('Globally unique, 3-24 letters, digits and hyphens.')
@minLength(3)
@maxLength(24)
param vaultName string

@secure()
@description('The bootstrap admin token (any string; its SHA-256 goes to platform node --admin-token-sha256).')
param adminToken string

@secure()
@description('The edge proxies\' token (its SHA-256 goes to platform node --edge-token-sha256: a reader of every namespace, nothing more).')
param edgeToken string

@secure()
@description('The inter-region secret: at least 16 bytes as hex (PLATFORM_INTER_REGION_SECRET).')
param interRegionSecret string

@description('The region\'s membership storage account; its connection string is stored, not passed around.')
param storageAccountName string

@description('Subnets whose VMs read secrets at start.')
param allowedSubnetIds string[]

@description('Public IP ranges (CIDR) of operators who fetch the admin token with az keyvault secret show.')
param operatorIpRanges string[]

@description('Entra object ids of operators (users or groups) allowed to read the secrets.')
param operatorPrincipalIds string[]

param nodePrincipalId string
param edgePrincipalId string
param tags object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [for id in allowedSubnetIds: { id: id, ignoreMissingVnetServiceEndpoint: false }]
      ipRules: [for range in operatorIpRanges: { value: range }]
    }
  }
}

resource adminTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'admin-token'
  properties: {
    value: adminToken
    contentType: 'text/plain'
  }
}

resource edgeTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'edge-token'
  properties: {
    value: edgeToken
    contentType: 'text/plain'
  }
}

resource interRegionSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'inter-region-secret'
  properties: {
    value: interRegionSecret
    contentType: 'text/plain'
  }
}

resource tablesConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'azure-tables-connection'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    contentType: 'text/plain'
  }
}

resource nodeSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, nodePrincipalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: nodePrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The edge reads with its own token, a reader of every namespace: it gets that one secret and
// nothing else (not the admin token).
resource edgeTokenOnly 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: edgeTokenSecret
  name: guid(edgeTokenSecret.id, edgePrincipalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: edgePrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in operatorPrincipalIds: {
  scope: adminTokenSecret
  name: guid(adminTokenSecret.id, principalId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
  }
}]

output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
@description('The name of the admin token secret (the name, not the value).')
output adminTokenSecretName string = adminTokenSecret.name
