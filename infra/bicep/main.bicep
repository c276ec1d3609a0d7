// The platform on Azure: one resource group per region holding a whole region (network, Table
// Storage for Orleans membership, Key Vault, monitoring, 3 or 5 node VMs with a WAL disk each,
// edge proxies behind a load balancer), the regions' VNets peered in a full mesh, and Front Door
// in a global resource group routing /v1/* to the nearest ready edge. Details: README.md here.
targetScope = 'subscription'

import { regionSpec, nodeAddress } from 'types.bicep'
import { nodeIp, nodeName } from 'addressing.bicep'

@description('The regions, in order of preference for the edges\' fallback. Address spaces must not overlap.')
@minLength(1)
param regions regionSpec[] = [
  { name: 'eu-west', location: 'westeurope', addressPrefix: '10.1.0.0/16' }
  { name: 'us-east', location: 'eastus', addressPrefix: '10.2.0.0/16' }
  { name: 'ap-south', location: 'centralindia', addressPrefix: '10.3.0.0/16' }
]

@description('Prefix of resource group and resource names.')
@minLength(2)
@maxLength(12)
param namePrefix string = 'platform'

@description('Nodes per region: one replica of every consensus group each.')
@allowed([3, 5])
param nodeCount int = 3

@description('Nodes of each region that vote in the strong-global groups (catalog and strong-global namespaces); the others hold learners.')
@minValue(1)
@maxValue(5)
param globalVoters int = 3

@description('Edge proxy VMs per region.')
@minValue(1)
param edgeCount int = 2

@description('Node VM size: local SSD is not used, the WAL is on the premium data disk.')
param nodeVmSize string = 'Standard_D4as_v5'

@description('Edge VM size: the edge is memory- and network-bound (its cache).')
param edgeVmSize string = 'Standard_D2as_v5'

@description('Size of each node\'s WAL disk (premium SSD; size sets its IOPS).')
@minValue(32)
param walDiskSizeGb int = 256

@allowed(['Premium_LRS', 'PremiumV2_LRS', 'Premium_ZRS'])
param walDiskSku string = 'Premium_LRS'

@description('Redundancy of each region\'s membership storage account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param storageSku string = 'Standard_ZRS'

@description('Log retention in days.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Linux admin user on every VM (SSH keys only).')
param adminUsername string = 'platformadmin'

@description('SSH public key of that user.')
param sshPublicKey string

@secure()
@description('The bootstrap admin token. Stored in every region\'s Key Vault; never an output.')
@minLength(32)
param adminToken string

@secure()
@description('The edge proxies\' token: nodes grant it read on every namespace and nothing more (--edge-token-sha256), edges read with it. Stored in every region\'s Key Vault; never an output.')
@minLength(32)
param edgeToken string

@secure()
@description('The inter-region secret, hex, at least 16 bytes (openssl rand -hex 32). Stored in Key Vault; never an output.')
@minLength(32)
param interRegionSecret string

@secure()
@description('HTTPS URL of the platform tarball (dotnet publish output of cli/Platform.Cli, see README.md); may carry a SAS token.')
param packageUrl string

@description('Public IP ranges of operators allowed through the Key Vault firewalls.')
param operatorIpRanges string[] = []

@description('Entra object ids allowed to read the admin token secret.')
param operatorPrincipalIds string[] = []

param tags object = { application: 'platform' }

var allNodes nodeAddress[] = flatten(map(regions, region => map(range(0, nodeCount), i => {
  region: region.name
  name: nodeName(i)
  ip: nodeIp(region.addressPrefix, i)
})))
var allRegionPrefixes = map(regions, region => region.addressPrefix)

// Both directions of every pair of regions.
var peerings = flatten(map(range(0, length(regions)), from => map(filter(range(0, length(regions)), to => to != from), to => {
  from: from
  to: to
})))

resource regionGroups 'Microsoft.Resources/resourceGroups@2024-03-01' = [for region in regions: {
  name: '${namePrefix}-${region.name}-rg'
  location: region.location
  tags: union(tags, { 'platform-region': region.name })
}]

resource globalGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${namePrefix}-global-rg'
  location: regions[0].location
  tags: tags
}

module regionDeployments 'modules/region.bicep' = [for (region, i) in regions: {
  name: '${namePrefix}-region-${region.name}'
  scope: regionGroups[i]
  params: {
    region: region
    allNodes: allNodes
    allRegionPrefixes: allRegionPrefixes
    namePrefix: namePrefix
    nodeCount: nodeCount
    globalVoters: min(globalVoters, nodeCount)
    edgeCount: edgeCount
    nodeVmSize: nodeVmSize
    edgeVmSize: edgeVmSize
    walDiskSizeGb: walDiskSizeGb
    walDiskSku: walDiskSku
    storageSku: storageSku
    adminUsername: adminUsername
    sshPublicKey: sshPublicKey
    adminToken: adminToken
    edgeToken: edgeToken
    interRegionSecret: interRegionSecret
    packageUrl: packageUrl
    operatorIpRanges: operatorIpRanges
    operatorPrincipalIds: operatorPrincipalIds
    logRetentionDays: logRetentionDays
    tags: tags
  }
}]

module peeringDeployments 'modules/peering.bicep' = [for pair in peerings: {
  name: '${namePrefix}-peer-${regions[pair.from].name}-${regions[pair.to].name}'
  scope: regionGroups[pair.from]
  params: {
    localVnetName: regionDeployments[pair.from].outputs.vnetName
    remoteRegionName: regions[pair.to].name
    remoteVnetId: regionDeployments[pair.to].outputs.vnetId
  }
}]

module frontDoor 'modules/frontdoor.bicep' = {
  name: '${namePrefix}-frontdoor'
  scope: globalGroup
  params: {
    namePrefix: namePrefix
    origins: [for (region, i) in regions: {
      region: region.name
      fqdn: regionDeployments[i].outputs.edgeFqdn
    }]
    tags: tags
  }
}

@description('Front Door\'s host name: fleets and the CLI use https://<this>.')
output frontDoorHostName string = frontDoor.outputs.hostName

@description('What `platform ... --endpoint` takes for reads and writes through the nearest edge.')
output frontDoorEndpoint string = 'https://${frontDoor.outputs.hostName}'

@description('Per region: edge and node endpoints (node ones are private, reachable inside the peered VNets), the Key Vault holding the admin token, and where metrics and logs go. No secret values.')
output regions array = [for (region, i) in regions: {
  name: region.name
  location: region.location
  resourceGroup: regionGroups[i].name
  edgeEndpoint: regionDeployments[i].outputs.edgeEndpoint
  nodes: regionDeployments[i].outputs.nodes
  keyVaultName: regionDeployments[i].outputs.keyVaultName
  keyVaultUri: regionDeployments[i].outputs.keyVaultUri
  adminTokenSecretName: regionDeployments[i].outputs.adminTokenSecretName
  storageAccountName: regionDeployments[i].outputs.storageAccountName
  logAnalyticsWorkspaceId: regionDeployments[i].outputs.logAnalyticsWorkspaceId
  metricsWorkspaceId: regionDeployments[i].outputs.metricsWorkspaceId
  prometheusQueryEndpoint: regionDeployments[i].outputs.prometheusQueryEndpoint
}]

@description('Key Vault and secret name of the admin token in the first region: az keyvault secret show --vault-name <keyVaultName> --name <adminTokenSecretName>.')
output adminTokenLocation object = {
  keyVaultName: regionDeployments[0].outputs.keyVaultName
  secretName: regionDeployments[0].outputs.adminTokenSecretName
}
