// The region's nodes: 3 or 5 VMs, each a member of one Flexible scale set (spread over fault
// domains) but created one by one, so that each has what Raft's fixed membership needs: a stable
// name (node-1..node-N), a static private address that the other nodes and the edges know, and
// its own premium data disk for the write-ahead log. The disk is a separate resource attached with
// host caching off (fsync reaches the disk) and is detached, not deleted, with its VM: a replaced
// VM gets the same WAL and replica id back.
import { nodeIp, nodeName } from '../addressing.bicep'
import { cloudConfig } from '../cloud-init.bicep'
import { ports } from '../ports.bicep'
import { ubuntuImage, linuxConfiguration, trustedLaunch, monitorAgentSettings } from 'vm-common.bicep'

param location string
param namePrefix string

@description('The region as the platform names it.')
param regionName string

@description('The region\'s VNet address space: node addresses are derived from it.')
param addressPrefix string

@allowed([3, 5])
param nodeCount int

param vmSize string
param adminUsername string
param sshPublicKey string
param subnetId string

@minValue(32)
param walDiskSizeGb int

@allowed(['Premium_LRS', 'PremiumV2_LRS', 'Premium_ZRS'])
param walDiskSku string

@description('Resource id and client id of the nodes\' user-assigned identity.')
param identityId string
param identityClientId string

param keyVaultUri string

@description('platform node --peers: every node of every region, region/node=http://ip:port,...')
param peers string

@description('platform node --global-voters: nodes of each region that vote in the strong-global groups.')
param globalVoters int

@secure()
@description('HTTPS URL of the platform tarball (may carry a SAS token).')
param packageUrl string

param metricsWriteUrl string
param syslogRuleId string
param tags object

var names = [for i in range(0, nodeCount): nodeName(i)]

resource scaleSet 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' = {
  name: '${namePrefix}-nodes'
  location: location
  tags: tags
  properties: {
    orchestrationMode: 'Flexible'
    // 1 = spread the members over as many fault domains as the location offers.
    platformFaultDomainCount: 1
  }
}

resource nics 'Microsoft.Network/networkInterfaces@2024-05-01' = [for i in range(0, nodeCount): {
  name: '${namePrefix}-${names[i]}-nic'
  location: location
  tags: tags
  properties: {
    enableAcceleratedNetworking: true
    ipConfigurations: [
      {
        name: 'primary'
        properties: {
          subnet: { id: subnetId }
          privateIPAllocationMethod: 'Static'
          privateIPAddress: nodeIp(addressPrefix, i)
        }
      }
    ]
  }
}]

resource walDisks 'Microsoft.Compute/disks@2024-03-02' = [for i in range(0, nodeCount): {
  name: '${namePrefix}-${names[i]}-wal'
  location: location
  tags: union(tags, { 'platform-node': names[i] })
  sku: { name: walDiskSku }
  properties: {
    creationData: { createOption: 'Empty' }
    diskSizeGB: walDiskSizeGb
  }
}]

resource vms 'Microsoft.Compute/virtualMachines@2024-07-01' = [for i in range(0, nodeCount): {
  name: '${namePrefix}-${names[i]}'
  location: location
  tags: union(tags, { 'platform-node': names[i] })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    virtualMachineScaleSet: { id: scaleSet.id }
    hardwareProfile: { vmSize: vmSize }
    securityProfile: trustedLaunch
    storageProfile: {
      imageReference: ubuntuImage
      osDisk: {
        createOption: 'FromImage'
        managedDisk: { storageAccountType: 'Premium_LRS' }
        deleteOption: 'Delete'
      }
      dataDisks: [
        {
          lun: 0
          createOption: 'Attach'
          managedDisk: { id: walDisks[i].id }
          caching: 'None'
          deleteOption: 'Detach'
        }
      ]
    }
    osProfile: {
      computerName: '${regionName}-${names[i]}'
      adminUsername: adminUsername
      linuxConfiguration: linuxConfiguration(adminUsername, sshPublicKey)
      customData: base64(cloudConfig({
        PLATFORM_ROLE: 'node'
        PLATFORM_REGION: regionName
        PLATFORM_NODE: names[i]
        PLATFORM_NODES: join(names, ',')
        PLATFORM_NODE_IP: nodeIp(addressPrefix, i)
        PLATFORM_NODE_HTTP_PORT: string(ports.nodeHttp)
        PLATFORM_SILO_PORT: string(ports.silo)
        PLATFORM_GATEWAY_PORT: string(ports.gateway)
        PLATFORM_INTER_REGION_PORT: string(ports.interRegion)
        PLATFORM_PEERS: peers
        PLATFORM_GLOBAL_VOTERS: string(globalVoters)
        PLATFORM_KEY_VAULT_URI: keyVaultUri
        PLATFORM_IDENTITY_CLIENT_ID: identityClientId
        PLATFORM_PACKAGE_URL: packageUrl
        PLATFORM_METRICS_WRITE_URL: metricsWriteUrl
      }))
    }
    networkProfile: {
      networkInterfaces: [{ id: nics[i].id, properties: { deleteOption: 'Delete' } }]
    }
    diagnosticsProfile: { bootDiagnostics: { enabled: true } }
  }
}]

resource monitorAgents 'Microsoft.Compute/virtualMachines/extensions@2024-07-01' = [for i in range(0, nodeCount): {
  parent: vms[i]
  name: 'AzureMonitorLinuxAgent'
  location: location
  properties: {
    publisher: 'Microsoft.Azure.Monitor'
    type: 'AzureMonitorLinuxAgent'
    typeHandlerVersion: '1.0'
    autoUpgradeMinorVersion: true
    enableAutomaticUpgrade: true
    settings: monitorAgentSettings(identityId)
  }
}]

resource syslogAssociations 'Microsoft.Insights/dataCollectionRuleAssociations@2023-03-11' = [for i in range(0, nodeCount): {
  scope: vms[i]
  name: 'platform-syslog'
  properties: { dataCollectionRuleId: syslogRuleId }
}]

output nodes array = [for i in range(0, nodeCount): {
  name: names[i]
  ip: nodeIp(addressPrefix, i)
  http: 'http://${nodeIp(addressPrefix, i)}:${ports.nodeHttp}'
  interRegion: 'http://${nodeIp(addressPrefix, i)}:${ports.interRegion}'
  vmName: vms[i].name
  walDiskName: walDisks[i].name
}]
