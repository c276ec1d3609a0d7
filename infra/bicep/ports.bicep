// The ports the platform uses on every VM. The node and edge processes bind 127.0.0.1 only (their
// listen address is not configurable yet, see README.md), so each VM runs systemd socket proxies
// from its private address to these loopback ports; the port numbers are the same on both sides
// except for the edge, which is reached on 80.

@export()
var ports = {
  // platform node --http-port: the /v1 API, /readyz and /metrics.
  nodeHttp: 7101
  // platform node --silo-port: Orleans silo to silo.
  silo: 11101
  // platform node --gateway-port: Orleans clients.
  gateway: 12101
  // platform node --inter-region-port: signed HTTP/2 between regions.
  interRegion: 7199
  // platform edge --port on 127.0.0.1.
  edgeLoopback: 8080
  // What the load balancer and Front Door reach on each edge VM.
  edgePublic: 80
}
