// One platform region in its own resource group: network, identities, membership storage, Key
// Vault, monitoring, the nodes and the edges behind their load balancer. main.bicep deploys one
// per entry of `regions` and then peers the VNets and puts Front Door in front of the edges.
import { regionSpec, nodeAddress } from '../types.bicep'
import { nodeSubnetPrefix } from '../addressing.bicep'
import { ports } from '../ports.bicep'

param region regionSpec

@description('Every node of every region: the peer list and the edges\' fallback list come from it.')
param allNodes nodeAddress[]

@description('Every region\'s VNet address space.')
param allRegionPrefixes string[]

param namePrefix string

@allowed([3, 5])
param nodeCount int

param globalVoters int
param edgeCount int
param nodeVmSize string
param edgeVmSize string
param walDiskSizeGb int
param walDiskSku string
param storageSku string
param adminUsername string
param sshPublicKey string

@secure()
param adminToken string

@secure()
param edgeToken string

@secure()
param interRegionSecret string

@secure()
param packageUrl string

param operatorIpRanges string[]
param operatorPrincipalIds string[]
param logRetentionDays int
param tags object

var location = region.location
var prefix = '${namePrefix}-${region.name}'
var regionTags = union(tags, { 'platform-region': region.name })

// Every node reaches every other node's inter-region port (the catalog and strong-global groups
// have voters in every region); the node itself is in the list as well, as platform up does.
var peers = join(map(allNodes, node => '${node.region}/${node.name}=http://${node.ip}:${ports.interRegion}'), ',')
var localNodeUrls = map(filter(allNodes, node => node.region == region.name), node => 'http://${node.ip}:${ports.nodeHttp}')
var remoteNodes = join(map(filter(allNodes, node => node.region != region.name), node => '${node.region}=http://${node.ip}:${ports.nodeHttp}'), ',')
var suffix = uniqueString(resourceGroup().id)

resource nodeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-node-id'
  location: location
  tags: regionTags
}

resource edgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-edge-id'
  location: location
  tags: regionTags
}

module network 'network.bicep' = {
  name: 'network'
  params: {
    location: location
    namePrefix: prefix
    addressPrefix: region.addressPrefix
    allNodeSubnetPrefixes: map(allRegionPrefixes, space => nodeSubnetPrefix(space))
    allRegionPrefixes: allRegionPrefixes
    tags: regionTags
  }
}

module storage 'storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: 'st${suffix}'
    skuName: storageSku
    nodeSubnetId: network.outputs.nodeSubnetId
    nodePrincipalId: nodeIdentity.properties.principalId
    tags: regionTags
  }
}

module vault 'keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: 'kv${suffix}'
    adminToken: adminToken
    edgeToken: edgeToken
    interRegionSecret: interRegionSecret
    storageAccountName: storage.outputs.accountName
    allowedSubnetIds: [network.outputs.nodeSubnetId, network.outputs.edgeSubnetId]
    operatorIpRanges: operatorIpRanges
    operatorPrincipalIds: operatorPrincipalIds
    nodePrincipalId: nodeIdentity.properties.principalId
    edgePrincipalId: edgeIdentity.properties.principalId
    tags: regionTags
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: prefix
    logRetentionDays: logRetentionDays
    publisherPrincipalIds: [nodeIdentity.properties.principalId, edgeIdentity.properties.principalId]
    tags: regionTags
  }
}

module nodes 'nodes.bicep' = {
  name: 'nodes'
  params: {
    location: location
    namePrefix: prefix
    regionName: region.name
    addressPrefix: region.addressPrefix
    nodeCount: nodeCount
    vmSize: nodeVmSize
    adminUsername: adminUsername
    sshPublicKey: sshPublicKey
    subnetId: network.outputs.nodeSubnetId
    walDiskSizeGb: walDiskSizeGb
    walDiskSku: walDiskSku
    identityId: nodeIdentity.id
    identityClientId: nodeIdentity.properties.clientId
    keyVaultUri: vault.outputs.vaultUri
    peers: peers
    globalVoters: globalVoters
    packageUrl: packageUrl
    metricsWriteUrl: monitoring.outputs.prometheusRemoteWriteUrl
    syslogRuleId: monitoring.outputs.syslogRuleId
    tags: regionTags
  }
}

module edges 'edges.bicep' = {
  name: 'edges'
  params: {
    location: location
    namePrefix: prefix
    regionName: region.name
    edgeCount: edgeCount
    vmSize: edgeVmSize
    adminUsername: adminUsername
    sshPublicKey: sshPublicKey
    subnetId: network.outputs.edgeSubnetId
    dnsLabel: toLower('${prefix}-edge-${suffix}')
    regionNodeUrls: localNodeUrls
    remoteNodes: remoteNodes
    identityId: edgeIdentity.id
    identityClientId: edgeIdentity.properties.clientId
    keyVaultUri: vault.outputs.vaultUri
    packageUrl: packageUrl
    metricsWriteUrl: monitoring.outputs.prometheusRemoteWriteUrl
    syslogRuleId: monitoring.outputs.syslogRuleId
    tags: regionTags
  }
}

output vnetId string = network.outputs.vnetId
output vnetName string = network.outputs.vnetName
output edgeFqdn string = edges.outputs.loadBalancerFqdn
output edgeEndpoint string = edges.outputs.endpoint
output nodes array = nodes.outputs.nodes
output keyVaultName string = vault.outputs.vaultName
output keyVaultUri string = vault.outputs.vaultUri
output adminTokenSecretName string = vault.outputs.adminTokenSecretName
output storageAccountName string = storage.outputs.accountName
output tableEndpoint string = storage.outputs.tableEndpoint
output logAnalyticsWorkspaceId string = monitoring.outputs.logAnalyticsWorkspaceId
output metricsWorkspaceId string = monitoring.outputs.metricsWorkspaceId
output prometheusQueryEndpoint string = monitoring.outputs.prometheusQueryEndpoint
