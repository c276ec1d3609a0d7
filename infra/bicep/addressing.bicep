// The address plan of a region, as functions: main.bicep needs every node's address to build the
// peer lists before any region exists, and the region module places its resources by the same
// plan. Node addresses are static because Raft membership is fixed: every node and edge starts
// with the other nodes' addresses on its command line.

// Azure keeps the first four addresses of a subnet (network, gateway, two for DNS). cidrHost
// counts from the first usable address (.1), so index 3 is .4, the first a NIC may take.
var firstAssignableHost = 3

@export()
@description('The nodes\' subnet of a region: the second /24 of its /16.')
func nodeSubnetPrefix(addressPrefix string) string => cidrSubnet(addressPrefix, 24, 1)

@export()
@description('The edges\' subnet of a region: the third /24 of its /16.')
func edgeSubnetPrefix(addressPrefix string) string => cidrSubnet(addressPrefix, 24, 2)

@export()
@description('The static private address of node `index` (0-based) of a region.')
func nodeIp(addressPrefix string, index int) string => cidrHost(cidrSubnet(addressPrefix, 24, 1), firstAssignableHost + index)

@export()
@description('Node names as the platform knows them: node-1, node-2, ...')
func nodeName(index int) string => 'node-${index + 1}'
