using System.Net;
using Platform.Global.Failover;
using Platform.Global.Groups;
using Platform.Global.Replication;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Replicas;
using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation.Shipped;

/// <summary>
/// The simulated network between regions, carrying the shipped inter-region routes: a request
/// reaches the other node after the pair's one-way delay (with jitter) and runs the route's
/// shipped handler there; the answer comes back the same way. A request to a node that is down is
/// refused (a reset, after the one-way delay), and so is one towards a region this node is cut off
/// from (as the inter-region client refuses it); an answer sent back across a cut is lost, and its
/// caller gives up after the client's timeout, as HTTP does. A node's crash resets every
/// connection it had. The change feed streams: every write of the home's feed handler is
/// delivered in order after the one-way delay, and a cut breaks the stream after the keep-alive
/// timeout, as HTTP/2 pings would.
/// </summary>
public sealed class SimInterRegionNetwork(SimLoop loop, SimRandom random, Func<string, SimGlobalNode> nodeOf, InterRegionOptions layout)
{
    private readonly SimLoop simLoop = loop;
    private readonly Func<string, SimGlobalNode> nodes = nodeOf;

    /// <summary>The HTTP client's timeout (InterRegionClient).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a stream across a cut takes to break (HTTP/2 keep-alive ping delay plus timeout).</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How many faults cut each direction: overlapping faults heal independently.</summary>
    private readonly Dictionary<(string From, string To), int> cut = [];
    private readonly List<Connection> open = [];

    /// <summary>Requests and answers between the regions: how many were lost to cuts.</summary>
    public int Lost { get; private set; }

    public bool CanReach(string fromRegion, string toRegion) => fromRegion == toRegion || !cut.ContainsKey((fromRegion, toRegion));

    /// <summary>Nodes cut off from every other region (their own region's nodes still reach them), with how many faults cut each.</summary>
    private readonly Dictionary<string, int> cutNodes = [];

    /// <summary>Whether a message from one node reaches another: inside a region always, else unless the pair of regions or either node is cut off.</summary>
    public bool CanReach(SimGlobalNode from, SimGlobalNode to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return from.Region == to.Region || (CanReach(from.Region, to.Region) && !cutNodes.ContainsKey(from.Name) && !cutNodes.ContainsKey(to.Name));
    }

    /// <summary>Cuts one node off from every other region (its route out of the region failed) until as many heals.</summary>
    public void CutNode(string node) => cutNodes[node] = cutNodes.GetValueOrDefault(node) + 1;

    public void HealNode(string node)
    {
        if (cutNodes.TryGetValue(node, out var count))
        {
            if (count > 1)
            {
                cutNodes[node] = count - 1;
            }
            else
            {
                cutNodes.Remove(node);
            }
        }
    }

    /// <summary>Cuts what <paramref name="from"/> sends to <paramref name="to"/> (one way) until as many heals.</summary>
    public void Cut(string from, string to) => cut[(from, to)] = cut.GetValueOrDefault((from, to)) + 1;

    public void Heal(string from, string to)
    {
        if (cut.TryGetValue((from, to), out var count))
        {
            if (count > 1)
            {
                cut[(from, to)] = count - 1;
            }
            else
            {
                cut.Remove((from, to));
            }
        }
    }

    public void HealAll()
    {
        cut.Clear();
        cutNodes.Clear();
    }

    public IInterRegionTransport For(SimGlobalNode node) => new Transport(this, node, node.Incarnation);

    /// <summary>The node crashed: every connection it had is reset.</summary>
    public void Crashed(SimGlobalNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        foreach (var connection in open.Where(c => c.Client == node || c.Server == node).ToList())
        {
            connection.Reset($"{node.Name} went down");
        }
    }

    private TimeSpan OneWay(string from, string to)
    {
        var half = layout.RoundTripBetween(from, to) / 2;
        return half + random.Between(TimeSpan.Zero, (half / 10) + TimeSpan.FromMilliseconds(1));
    }

    /// <summary>One request (and, for the feed, its streamed answer) between two nodes.</summary>
    private sealed class Connection(SimInterRegionNetwork network, SimGlobalNode client, SimGlobalNode server, long serverIncarnation)
    {
        public SimGlobalNode Client => client;

        public SimGlobalNode Server => server;

        public long ServerIncarnation => serverIncarnation;

        public Action<Exception>? OnReset { get; set; }

        public bool Closed { get; private set; }

        public void Reset(string why)
        {
            if (Closed)
            {
                return;
            }

            Close();
            OnReset?.Invoke(new HttpRequestException(HttpRequestError.ConnectionError, why));
        }

        public void Open() => network.open.Add(this);

        public void Close()
        {
            Closed = true;
            network.open.Remove(this);
        }
    }

    private sealed class Transport(SimInterRegionNetwork network, SimGlobalNode self, long incarnation) : IInterRegionTransport
    {
        public InterRegionOptions Options => self.Inter;

        public bool CanReach(PeerEndpoint peer) => network.CanReach(self, network.nodes($"{peer.Region}/{peer.Node}"));

        /// <summary>The network itself delays every message: nothing is left for the caller to wait out.</summary>
        public TimeSpan OneWayTo(PeerEndpoint peer) => TimeSpan.Zero;

        public async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource<InterRegionAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var connection = Send(peer, failed => answer.TrySetException(failed), server => Serve(server, self.Name, path, body), (server, served) =>
            {
                // The answer's way back: lost across a cut (the caller times out), else delivered.
                network.Deliver(server, self, incarnation, () => answer.TrySetResult(served), () => { });
            });
            try
            {
                var served = await TimedWait.WaitAsync(answer.Task, RequestTimeout, self.Process.Time, cancellationToken);
                return (served.Status, served.Body);
            }
            catch (TimeoutException)
            {
                throw new TaskCanceledException($"no answer from {peer.Region}/{peer.Node} within {RequestTimeout.TotalSeconds:0} s", new TimeoutException());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new TaskCanceledException("the caller gave up", null, cancellationToken);
            }
            finally
            {
                connection?.Close();
            }
        }

        public async Task<HttpResponseMessage> StreamAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken)
        {
            if (path != FeedRoutes.Path)
            {
                throw new NotSupportedException($"the simulation streams only the change feed, not {path}");
            }

            var headers = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            SimWriteStream? writer = null;
            var stop = new CancellationTokenSource();
            Connection? connection = null;
            var reader = new SimReadStream(() =>
            {
                // The copy hung up: the home's handler sees its request aborted.
                connection?.Close();
                if (connection is not null)
                {
                    network.Deliver(self, connection.Server, connection.ServerIncarnation, () => CancelHere(stop), () => CancelHere(stop));
                }
            });
            var lastDue = TimeSpan.Zero;
            connection = Send(peer, failed =>
            {
                headers.TrySetException(failed);
                reader.Break(failed);
                writer?.Break(failed);
            }, async server =>
            {
                var status = await FeedRoutes.ServeAsync(body, self.Region, server.Catalog, server.Namespaces, server.Inter, null, _ =>
                {
                    writer = new SimWriteStream(chunk =>
                    {
                        // In order, each after the one-way delay; a chunk sent across a cut breaks the stream once keep-alive notices.
                        if (!network.CanReach(server, self))
                        {
                            var broken = new IOException($"the stream from {server.Name} was cut");
                            writer!.Break(broken);
                            network.simLoop.After(KeepAliveTimeout, self.Process, () => reader.Break(broken));
                            return;
                        }

                        var due = network.simLoop.Now + network.OneWay(server.Region, self.Region);
                        lastDue = due > lastDue ? due : lastDue;
                        network.simLoop.At(lastDue, self.Process, () => reader.Deliver(chunk));
                    });
                    network.Deliver(server, self, incarnation, () => headers.TrySetResult(Response(HttpStatusCode.OK, reader)), () => { });
                    return Task.FromResult<Stream>(writer);
                }, () => writer?.Break(new IOException("aborted")), stop.Token);
                if (status is { } refused)
                {
                    network.Deliver(server, self, incarnation, () => headers.TrySetResult(Response(refused, reader)), () => { });
                }
                else
                {
                    // The handler returned: the stream ends once what it wrote arrived.
                    var end = lastDue > network.simLoop.Now ? lastDue : network.simLoop.Now + network.OneWay(server.Region, self.Region);
                    network.simLoop.At(end, self.Process, reader.End);
                }

                return InterRegionAnswer.Empty(HttpStatusCode.OK);
            }, (_, _) => { });
            try
            {
                return await TimedWait.WaitAsync(headers.Task, RequestTimeout, self.Process.Time, cancellationToken);
            }
            catch (TimeoutException)
            {
                connection?.Close();
                throw new TaskCanceledException($"no answer from {peer.Region}/{peer.Node} within {RequestTimeout.TotalSeconds:0} s", new TimeoutException());
            }
        }

        private static HttpResponseMessage Response(HttpStatusCode status, Stream body) => new(status) { Content = new StreamContent(body) };

        private static void CancelHere(CancellationTokenSource source)
        {
#pragma warning disable CA1849 // CancelAsync would run the callbacks on the thread pool.
            source.Cancel();
#pragma warning restore CA1849
        }

        /// <summary>
        /// Sends a request: refused at once if this node cannot reach the peer (the client sees the
        /// cut as a failed connect), lost if the peer's region is cut off on the way, reset if
        /// the peer is down when it arrives; otherwise served there and answered by <paramref name="answer"/>.
        /// </summary>
        private Connection? Send(PeerEndpoint peer, Action<Exception> failed, Func<SimGlobalNode, Task<InterRegionAnswer>> serve, Action<SimGlobalNode, InterRegionAnswer> answer)
        {
            var server = network.nodes($"{peer.Region}/{peer.Node}");
            if (!network.CanReach(self, server))
            {
                // As InterRegionClient under chaos: a cut region cannot be connected to.
                network.Lost++;
                failed(new HttpRequestException(HttpRequestError.ConnectionError, $"{self.Region} is cut off from {peer.Region}"));
                return null;
            }

            var connection = new Connection(network, self, server, server.Incarnation) { OnReset = failed };
            var due = network.OneWay(self.Region, server.Region);
            network.simLoop.After(due, server.Process, () =>
            {
                if (!server.Running || server.Incarnation != connection.ServerIncarnation)
                {
                    network.Deliver(server, self, incarnation, () => failed(new HttpRequestException(HttpRequestError.ConnectionError, $"{server.Name} refused the connection")), () => { });
                    return;
                }

                connection.Open();
                _ = RunAsync(server, connection, serve, answer);
            });
            return connection;
        }

        private static async Task RunAsync(SimGlobalNode server, Connection connection, Func<SimGlobalNode, Task<InterRegionAnswer>> serve, Action<SimGlobalNode, InterRegionAnswer> answer)
        {
            InterRegionAnswer served;
            try
            {
                served = await serve(server);
            }
            catch (ApiProblemException problem)
            {
                served = InterRegionAnswer.Empty((HttpStatusCode)problem.Status);
            }
#pragma warning disable CA1031 // An exception in a route is a 500, as ASP.NET answers it.
            catch (Exception)
#pragma warning restore CA1031
            {
                served = InterRegionAnswer.Empty(HttpStatusCode.InternalServerError);
            }

            if (!connection.Closed)
            {
                answer(server, served);
            }
        }

        /// <summary>Runs the shipped handler of the route <paramref name="path"/> on <paramref name="server"/>.</summary>
        private static Task<InterRegionAnswer> Serve(SimGlobalNode server, string from, string path, byte[] body)
        {
            if (path == InterRegionEndpoint.Prefix + "/ping")
            {
                return Task.FromResult(InterRegionEndpoint.Ping(server.Inter));
            }

            if (path == ProgressRoutes.Path)
            {
                return Task.FromResult(ProgressRoutes.Handle(server.Board, body));
            }

            if (path == FailoverRoutes.StopPath)
            {
                return FailoverRoutes.StopAsync(server.Router, server.Namespaces, body, CancellationToken.None);
            }

            var parts = path[(InterRegionEndpoint.Prefix.Length + 1)..].Split('/');
            if (parts is [var kind, var group] && GlobalRaftRoutes.Kinds.Contains(kind))
            {
                return GlobalRaftRoutes.HandleAsync(server.Global, kind, ulong.Parse(group, System.Globalization.CultureInfo.InvariantCulture), body);
            }

            throw new NotSupportedException($"{from} called {path}, which the simulation does not serve");
        }
    }

    /// <summary>A message from one node to another: delivered after the one-way delay unless the pair is cut or the receiver restarted.</summary>
    private void Deliver(SimGlobalNode from, SimGlobalNode to, long toIncarnation, Action delivered, Action lost)
    {
        if (!CanReach(from, to))
        {
            Lost++;
            lost();
            return;
        }

        simLoop.After(OneWay(from.Region, to.Region), to.Process, () =>
        {
            if (to.Incarnation == toIncarnation)
            {
                delivered();
            }
        });
    }
}
