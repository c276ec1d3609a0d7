// Shapes shared by main.bicep, the region module and the parameter files.

@export()
@description('One platform region and where it lives in Azure.')
type regionSpec = {
  @description('The region as nodes, edges and clients name it (platform node --region), e.g. eu-west.')
  @minLength(2)
  @maxLength(20)
  name: string

  @description('The Azure location that hosts it, e.g. westeurope.')
  location: string

  @description('The region\'s VNet address space (a /16). Regions are peered, so spaces must not overlap.')
  addressPrefix: string
}

@export()
@description('Where one node listens, as every other node and edge reaches it.')
type nodeAddress = {
  region: string
  name: string
  ip: string
}
