// Development: one region of three small nodes and one edge, locally redundant storage. The same
// templates as production, so a dev deployment exercises everything but the cross-region links.
using '../main.bicep'

param namePrefix = 'platdev'
param regions = [
  { name: 'eu-west', location: 'westeurope', addressPrefix: '10.10.0.0/16' }
]
param nodeCount = 3
param globalVoters = 3
param edgeCount = 1
param nodeVmSize = 'Standard_D2as_v5'
param edgeVmSize = 'Standard_B2s'
param walDiskSizeGb = 64
param walDiskSku = 'Premium_LRS'
param storageSku = 'Standard_LRS'
param logRetentionDays = 30
// Read from the environment when az (or bicep build-params) compiles this file; an unset
// variable fails the build, so no deployment ever runs with a placeholder secret.
param sshPublicKey = readEnvironmentVariable('PLATFORM_SSH_PUBLIC_KEY')
param adminToken = readEnvironmentVariable('PLATFORM_ADMIN_TOKEN')
param edgeToken = readEnvironmentVariable('PLATFORM_EDGE_TOKEN')
param interRegionSecret = readEnvironmentVariable('PLATFORM_INTER_REGION_SECRET')
param packageUrl = readEnvironmentVariable('PLATFORM_PACKAGE_URL')
param tags = { application: 'platform', environment: 'dev' }
