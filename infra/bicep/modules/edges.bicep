// The region's edge proxies: a Uniform scale set of identical, stateless VMs running
// `platform edge` behind a Standard Load Balancer whose probe is the edge's /readyz. The scale set
// uses the same probe to roll upgrades one batch at a time and to replace an instance that stays
// unhealthy. Front Door reaches the load balancer through its public address's DNS name.
import { cloudConfig } from '../cloud-init.bicep'
import { ports } from '../ports.bicep'
import { ubuntuImage, linuxConfiguration, trustedLaunch, monitorAgentSettings } from 'vm-common.bicep'

param location string
param namePrefix string
param regionName string

@minValue(1)
param edgeCount int

param vmSize string
param adminUsername string
param sshPublicKey string
param subnetId string

@description('Globally unique DNS label of the load balancer\'s public address (<label>.<location>.cloudapp.azure.com).')
param dnsLabel string

@description('platform edge --nodes: this region\'s node URLs.')
param regionNodeUrls string[]

@description('platform edge --remote: other regions\' nodes, region=http://ip:port,...')
param remoteNodes string

param identityId string
param identityClientId string
param keyVaultUri string

@secure()
param packageUrl string

param metricsWriteUrl string
param syslogRuleId string
param tags object

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${namePrefix}-edge-ip'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: { domainNameLabel: dnsLabel }
  }
}

var lbName = '${namePrefix}-edge-lb'

resource loadBalancer 'Microsoft.Network/loadBalancers@2024-05-01' = {
  name: lbName
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    frontendIPConfigurations: [{ name: 'public', properties: { publicIPAddress: { id: publicIp.id } } }]
    backendAddressPools: [{ name: 'edges' }]
    probes: [
      {
        name: 'readyz'
        properties: {
          protocol: 'Http'
          port: ports.edgePublic
          requestPath: '/readyz'
          intervalInSeconds: 5
          numberOfProbes: 2
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      {
        name: 'http'
        properties: {
          frontendIPConfiguration: { id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', lbName, 'public') }
          backendAddressPool: { id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', lbName, 'edges') }
          probe: { id: resourceId('Microsoft.Network/loadBalancers/probes', lbName, 'readyz') }
          protocol: 'Tcp'
          frontendPort: ports.edgePublic
          backendPort: ports.edgePublic
          // Watches are long-lived: keep idle connections for the maximum, and reset both sides
          // when it expires so clients reconnect (and resume) at once.
          idleTimeoutInMinutes: 30
          enableTcpReset: true
          // Outbound goes through the subnet's NAT gateway.
          disableOutboundSnat: true
        }
      }
    ]
  }
}

resource scaleSet 'Microsoft.Compute/virtualMachineScaleSets@2024-07-01' = {
  name: '${namePrefix}-edges'
  location: location
  tags: tags
  sku: { name: vmSize, tier: 'Standard', capacity: edgeCount }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    orchestrationMode: 'Uniform'
    // Extra instances would join the pool briefly and cold-start their caches for nothing.
    overprovision: false
    upgradePolicy: {
      mode: 'Rolling'
      rollingUpgradePolicy: {
        maxBatchInstancePercent: 34
        maxUnhealthyInstancePercent: 34
        maxUnhealthyUpgradedInstancePercent: 34
        pauseTimeBetweenBatches: 'PT1M'
      }
    }
    automaticRepairsPolicy: { enabled: true, gracePeriod: 'PT10M' }
    virtualMachineProfile: {
      securityProfile: trustedLaunch
      storageProfile: {
        imageReference: ubuntuImage
        osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'Premium_LRS' } }
      }
      osProfile: {
        computerNamePrefix: '${regionName}-edge-'
        adminUsername: adminUsername
        linuxConfiguration: linuxConfiguration(adminUsername, sshPublicKey)
        customData: base64(cloudConfig({
          PLATFORM_ROLE: 'edge'
          PLATFORM_REGION: regionName
          PLATFORM_EDGE_PORT: string(ports.edgeLoopback)
          PLATFORM_EDGE_PUBLIC_PORT: string(ports.edgePublic)
          PLATFORM_EDGE_NODES: join(regionNodeUrls, ',')
          PLATFORM_EDGE_REMOTE: remoteNodes
          PLATFORM_KEY_VAULT_URI: keyVaultUri
          PLATFORM_IDENTITY_CLIENT_ID: identityClientId
          PLATFORM_PACKAGE_URL: packageUrl
          PLATFORM_METRICS_WRITE_URL: metricsWriteUrl
        }))
      }
      networkProfile: {
        healthProbe: { id: resourceId('Microsoft.Network/loadBalancers/probes', lbName, 'readyz') }
        networkInterfaceConfigurations: [
          {
            name: 'primary'
            properties: {
              primary: true
              enableAcceleratedNetworking: true
              ipConfigurations: [
                {
                  name: 'primary'
                  properties: {
                    subnet: { id: subnetId }
                    loadBalancerBackendAddressPools: [{ id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', lbName, 'edges') }]
                  }
                }
              ]
            }
          }
        ]
      }
      diagnosticsProfile: { bootDiagnostics: { enabled: true } }
      extensionProfile: {
        extensions: [
          {
            name: 'AzureMonitorLinuxAgent'
            properties: {
              publisher: 'Microsoft.Azure.Monitor'
              type: 'AzureMonitorLinuxAgent'
              typeHandlerVersion: '1.0'
              autoUpgradeMinorVersion: true
              enableAutomaticUpgrade: true
              settings: monitorAgentSettings(identityId)
            }
          }
        ]
      }
    }
  }
  dependsOn: [loadBalancer]
}

resource syslogAssociation 'Microsoft.Insights/dataCollectionRuleAssociations@2023-03-11' = {
  scope: scaleSet
  name: 'platform-syslog'
  properties: { dataCollectionRuleId: syslogRuleId }
}

output loadBalancerFqdn string = publicIp.properties.dnsSettings.fqdn
output endpoint string = 'http://${publicIp.properties.dnsSettings.fqdn}'
output scaleSetName string = scaleSet.name
