// A region's network: one VNet with a subnet for the nodes and one for the edges, an NSG on each
// that admits only the platform's own traffic, and a NAT gateway for outbound calls (package
// download, Key Vault, Table Storage, metrics ingestion) since no VM has a public address.
import { nodeSubnetPrefix, edgeSubnetPrefix } from '../addressing.bicep'
import { ports } from '../ports.bicep'

@description('Azure location of the region.')
param location string

@description('Prefix of every resource name in this region.')
param namePrefix string

@description('The region\'s VNet address space (a /16).')
param addressPrefix string

@description('Node subnets of every region (this one included): they reach each other\'s inter-region port.')
param allNodeSubnetPrefixes string[]

@description('VNet address spaces of every region: other regions\' edges fall back to this region\'s nodes while theirs are down.')
param allRegionPrefixes string[]

param tags object

var nodeSubnet = nodeSubnetPrefix(addressPrefix)
var edgeSubnet = edgeSubnetPrefix(addressPrefix)

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${namePrefix}-nat-ip'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = {
  name: '${namePrefix}-nat'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    publicIpAddresses: [{ id: natIp.id }]
    idleTimeoutInMinutes: 4
  }
}

resource nodeNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-nodes-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // The API: this region's edges, and other regions' edges while their own region is down.
        name: 'allow-api-from-regions'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefixes: allRegionPrefixes
          sourcePortRange: '*'
          destinationAddressPrefix: nodeSubnet
          destinationPortRange: string(ports.nodeHttp)
        }
      }
      {
        // Signed HTTP/2 between the nodes of all regions (catalog, strong-global groups, replication).
        name: 'allow-inter-region-from-nodes'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefixes: allNodeSubnetPrefixes
          sourcePortRange: '*'
          destinationAddressPrefix: nodeSubnet
          destinationPortRange: string(ports.interRegion)
        }
      }
      {
        // Orleans silo-to-silo and gateway traffic stays inside the region.
        name: 'allow-orleans-within-region'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: nodeSubnet
          sourcePortRange: '*'
          destinationAddressPrefix: nodeSubnet
          destinationPortRanges: [string(ports.silo), string(ports.gateway)]
        }
      }
      {
        // The default rules admit the whole (peered) VNet; nothing else may reach a node.
        name: 'deny-other-vnet-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource edgeNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-edges-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // Fleet traffic arrives only through Front Door; a direct hit on the load balancer's
        // address from the internet is dropped.
        name: 'allow-http-from-front-door'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureFrontDoor.Backend'
          sourcePortRange: '*'
          destinationAddressPrefix: edgeSubnet
          destinationPortRange: string(ports.edgePublic)
        }
      }
      {
        // The load balancer's health probe on /readyz.
        name: 'allow-probe-from-load-balancer'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: edgeSubnet
          destinationPortRange: string(ports.edgePublic)
        }
      }
      {
        // Machines inside the regions' VNets may read through an edge directly.
        name: 'allow-http-from-regions'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefixes: allRegionPrefixes
          sourcePortRange: '*'
          destinationAddressPrefix: edgeSubnet
          destinationPortRange: string(ports.edgePublic)
        }
      }
      {
        name: 'deny-other-vnet-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'nodes'
        properties: {
          addressPrefix: nodeSubnet
          networkSecurityGroup: { id: nodeNsg.id }
          natGateway: { id: nat.id }
          // Key Vault and Table Storage admit only these subnets (their firewalls name them).
          serviceEndpoints: [{ service: 'Microsoft.KeyVault' }, { service: 'Microsoft.Storage' }]
          defaultOutboundAccess: false
        }
      }
      {
        name: 'edges'
        properties: {
          addressPrefix: edgeSubnet
          networkSecurityGroup: { id: edgeNsg.id }
          natGateway: { id: nat.id }
          serviceEndpoints: [{ service: 'Microsoft.KeyVault' }]
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output vnetName string = vnet.name
output nodeSubnetId string = vnet.properties.subnets[0].id
output edgeSubnetId string = vnet.properties.subnets[1].id
