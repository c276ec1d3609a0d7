// Production: three regions of five nodes each. The strong-global groups keep three voters per
// region (9 voters, quorum 5: a region plus one node may be lost); the other two nodes of each
// region hold learners, so a catalog commit still needs only one round trip to the nearest region.
// Secrets come from the environment of `az deployment sub create` (see README.md), never from
// this file.
using '../main.bicep'

param namePrefix = 'platform'
param regions = [
  { name: 'eu-west', location: 'westeurope', addressPrefix: '10.1.0.0/16' }
  { name: 'us-east', location: 'eastus', addressPrefix: '10.2.0.0/16' }
  { name: 'ap-south', location: 'centralindia', addressPrefix: '10.3.0.0/16' }
]
param nodeCount = 5
param globalVoters = 3
param edgeCount = 3
param nodeVmSize = 'Standard_D4as_v5'
param edgeVmSize = 'Standard_D4as_v5'
param walDiskSizeGb = 512
param walDiskSku = 'Premium_LRS'
param storageSku = 'Standard_ZRS'
param logRetentionDays = 90
// Read from the environment when az (or bicep build-params) compiles this file; an unset
// variable fails the build, so no deployment ever runs with a placeholder secret.
param sshPublicKey = readEnvironmentVariable('PLATFORM_SSH_PUBLIC_KEY')
param adminToken = readEnvironmentVariable('PLATFORM_ADMIN_TOKEN')
param edgeToken = readEnvironmentVariable('PLATFORM_EDGE_TOKEN')
param interRegionSecret = readEnvironmentVariable('PLATFORM_INTER_REGION_SECRET')
param packageUrl = readEnvironmentVariable('PLATFORM_PACKAGE_URL')
param operatorIpRanges = []
param tags = { application: 'platform', environment: 'prod' }
