// The global entry for fleet reads: an Azure Front Door Standard profile whose one origin group
// holds every region's edge load balancer. Front Door sends each request to the lowest-latency
// healthy origin (within `latencyToleranceMs`), judged by its probe of the edge's /readyz, so a
// fleet reads from its nearest region and fails over when that region's edges are not ready.
// Only /v1/* is routed; Front Door caches nothing, because the edges' cache follows revisions.

param namePrefix string

@description('Each region\'s edge load balancer: { region, fqdn }.')
param origins array

@description('Origins whose latency is within this many ms of the fastest share the traffic.')
param latencyToleranceMs int = 50

param tags object

resource profile 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: '${namePrefix}-fd'
  location: 'global'
  tags: tags
  sku: { name: 'Standard_AzureFrontDoor' }
  properties: {
    // Long polls wait up to 30 s; SSE watches outlive any limit and resume from Last-Event-ID.
    originResponseTimeoutSeconds: 120
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: profile
  name: '${namePrefix}-${uniqueString(resourceGroup().id)}'
  location: 'global'
  tags: tags
  properties: { enabledState: 'Enabled' }
}

resource edgeGroup 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'edges'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: latencyToleranceMs
    }
    healthProbeSettings: {
      probePath: '/readyz'
      probeRequestType: 'GET'
      probeProtocol: 'Http'
      probeIntervalInSeconds: 30
    }
    sessionAffinityState: 'Disabled'
  }
}

resource edgeOrigins 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = [for origin in origins: {
  parent: edgeGroup
  name: origin.region
  properties: {
    hostName: origin.fqdn
    originHostHeader: origin.fqdn
    // The edge speaks plain HTTP only (see README.md, what the product lacks).
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}]

resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'v1'
  properties: {
    originGroup: { id: edgeGroup.id }
    patternsToMatch: ['/v1/*']
    // Bearer tokens travel only over HTTPS from clients; plain HTTP is not served at all.
    supportedProtocols: ['Https']
    httpsRedirect: 'Disabled'
    forwardingProtocol: 'HttpOnly'
    linkToDefaultDomain: 'Enabled'
    enabledState: 'Enabled'
  }
  // A route needs its origins in place before it can be enabled.
  dependsOn: [edgeOrigins]
}

output hostName string = endpoint.properties.hostName
output profileName string = profile.name
