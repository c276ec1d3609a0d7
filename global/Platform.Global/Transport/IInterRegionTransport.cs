using System.Net;

namespace Platform.Global.Transport;

/// <summary>
/// How a node calls other nodes' inter-region routes: over signed HTTP/2 with the pair's WAN delay
/// (<see cref="InterRegionClient"/>) on a real node, or over a simulated network under the
/// deterministic simulation of the global layer, which runs the same callers.
/// </summary>
public interface IInterRegionTransport
{
    InterRegionOptions Options { get; }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> on a peer and returns the answer's status and bytes.</summary>
    Task<(HttpStatusCode Status, byte[] Body)> PostAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken);

    /// <summary>POSTs <paramref name="body"/> and returns the answer once its headers arrive, its body still streaming; the caller disposes it.</summary>
    Task<HttpResponseMessage> StreamAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken);

    /// <summary>Whether this node can reach the peer now (a stream already open is cut by its reader checking this).</summary>
    bool CanReach(PeerEndpoint peer);

    /// <summary>The one-way delay towards a peer, for callers that pay it per streamed frame.</summary>
    TimeSpan OneWayTo(PeerEndpoint peer);
}
