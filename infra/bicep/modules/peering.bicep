// One direction of a global VNet peering (main.bicep creates both directions of every pair of
// regions): nodes reach each other's inter-region port and edges fall back to other regions'
// nodes over Microsoft's backbone, never over the internet.

@description('The VNet in this resource group.')
param localVnetName string

@description('The region on the other side, for the peering\'s name.')
param remoteRegionName string

param remoteVnetId string

resource localVnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: localVnetName
}

resource peering 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: localVnet
  name: 'to-${remoteRegionName}'
  properties: {
    remoteVirtualNetwork: { id: remoteVnetId }
    allowVirtualNetworkAccess: true
    // No region routes another's traffic: the mesh is full, so nothing needs forwarding.
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
}
