using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Global.Transport;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Global.Replication;

/// <summary>
/// Keeps one region's copy of one namespace: pulls the home's change feed from the copy's own
/// watermark (its revision, durable in this region's group) and commits what arrives through this
/// region's group, so the copy survives the loss of nodes here. Frames are read as they arrive and
/// applied in order, those that are due batched into one proposal. A refused batch (a gap), a
/// lost connection or a home that stopped serving starts a new pull from the watermark.
/// </summary>
public sealed partial class CopyPuller(
    CatalogEntry entry, ulong group, GroupRouter router, IInterRegionTransport client, ReplicationMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>Set when digests disagreed: the next pull asks for the home's whole state and replaces the copy with it.</summary>
    private bool wantSnapshot;

    private readonly Queue<(long Last, long CommittedAtMs)> pending = new();
    private readonly object gate = new();
    private long servedEpoch = -1;
    private int nextPeer;

    public CatalogEntry Entry { get; private set; } = entry;

    /// <summary>This copy's progress for the home and this region's nodes.</summary>
    public CopyProgress Progress()
    {
        var applied = Applied().Revision;
        lock (gate)
        {
            while (pending.TryPeek(out var oldest) && oldest.Last <= applied)
            {
                pending.Dequeue();
            }

            return new CopyProgress(Entry.Name, client.Options.Region, applied, pending.TryPeek(out var first) ? first.CommittedAtMs : null, servedEpoch);
        }
    }

    public void Update(CatalogEntry latest) => Entry = latest;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await EnsureCopyAsync(stopping);
                await PullAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failed)
            {
                // Whatever ended this pull (a lost connection, a refused batch, a node starting, a
                // bug), the copy's watermark is durable: the next pull starts from it.
                LogPullFailed(logger, Entry.Name, Entry.HomeRegion ?? "?", failed.Message);
            }

            lock (gate)
            {
                pending.Clear();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    private (long Epoch, long Revision, bool Exists) Applied() =>
        router.Local(group).Read(m => m.State(Entry.Name) is { IsCopy: true } state ? (state.Store.Epoch, state.Store.Revision, true) : (0L, 0L, false));

    /// <summary>Makes the copy in this region's group (a copy takes only shipped changes).</summary>
    private async Task EnsureCopyAsync(CancellationToken stopping)
    {
        var exists = router.Local(group).Read(m => m.State(Entry.Name) is { } state ? (state.IsCopy, state.Store.Epoch) : ((bool, long)?)null);
        if (exists is { Item1: true })
        {
            return;
        }

        if (exists is { Item1: false } former)
        {
            // This region was the home (of epoch former.Item2): the catalog rules demote its data to
            // a copy first, keeping what it holds past a fork point for the archive.
            throw new InvalidDataException($"region {client.Options.Region} still holds '{Entry.Name}' as its home of epoch {former.Item2}; waiting for its demotion");
        }

        var reply = await router.ProposeAsync(group, new CreateNamespaceCommand(Entry.Name, Entry.Settings, Entry.Epoch, Copy: true), stopping);
        if (reply.Problem is { } problem)
        {
            throw new InvalidDataException($"the copy of '{Entry.Name}' could not be made: {problem}");
        }
    }

    private async Task PullAsync(CancellationToken stopping)
    {
        var home = Entry.HomeRegion!;
        var peers = client.Options.Peers.Where(p => p.Region == home).ToList();
        if (peers.Count == 0)
        {
            throw new InvalidDataException($"no node of the home region {home} is known");
        }

        var peer = peers[nextPeer++ % peers.Count];
        var (epoch, revision, _) = Applied();
        var replace = wantSnapshot;
        if (replace)
        {
            revision = -1;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var response = await client.StreamAsync(peer, FeedRoutes.Path, new FeedRequest(Entry.Name, epoch, revision).Encode(), stop.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidDataException($"{peer.Region}/{peer.Node} answered the feed request {(int)response.StatusCode}");
        }

        var oneWay = client.OneWayTo(peer);
        var frames = Channel.CreateUnbounded<(TimeSpan Due, FeedFrame Frame, NamespaceCommand? Changes)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
        var reading = ReadFramesAsync(peer, body, frames.Writer, oneWay, stop.Token);
        try
        {
            await ApplyFramesAsync(frames.Reader, revision, stop.Token);
        }
        finally
        {
#pragma warning disable CA1849 // CancelAsync would run the reader's callbacks on the thread pool.
            stop.Cancel();
#pragma warning restore CA1849
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    /// <summary>Reads frames as they arrive, each due after the simulated one-way WAN delay (the feed streams, so it is paid per frame).</summary>
    private async Task ReadFramesAsync(PeerEndpoint peer, Stream body, ChannelWriter<(TimeSpan, FeedFrame, NamespaceCommand?)> frames, TimeSpan oneWay, CancellationToken stop)
    {
        try
        {
            while (await FeedFrame.ReadAsync(body, stop) is { } frame)
            {
                if (!client.CanReach(peer))
                {
                    // A partition (chaos) cuts an open stream too, not only new requests.
                    throw new HttpRequestException(HttpRequestError.ConnectionError, $"chaos: {peer.Region}/{peer.Node} is cut off from this node");
                }

                servedEpoch = Entry.Epoch;
                NamespaceCommand? changes = null;
                if (frame.Kind == FeedFrameKind.Changes)
                {
                    changes = (NamespaceCommand)GroupCommandCodec.Decode(frame.Payload);
                    var first = ((ReplicateCommand)changes.Command).Revisions[0];
                    lock (gate)
                    {
                        pending.Enqueue((frame.Revision, first.CommittedAtMs));
                    }
                }

                await frames.WriteAsync((time.Monotonic() + oneWay, frame, changes), stop);
            }

            frames.TryComplete();
        }
        catch (Exception failed)
        {
            frames.TryComplete(failed);
        }
    }

    private async Task ApplyFramesAsync(ChannelReader<(TimeSpan Due, FeedFrame Frame, NamespaceCommand? Changes)> frames, long requestedAfter, CancellationToken stop)
    {
        while (await frames.WaitToReadAsync(stop))
        {
            frames.TryPeek(out var next);
            var wait = next.Due - time.Monotonic();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stop);
            }

            frames.TryRead(out var item);
            switch (item.Frame.Kind)
            {
                case FeedFrameKind.Changes:
                    await ApplyChangesAsync(item.Changes!, frames, stop);
                    break;
                case FeedFrameKind.Snapshot:
                    await ProposeAsync(new InstallNamespaceSnapshotCommand(Entry.Name, Entry.Settings, item.Frame.Payload, Replace: wantSnapshot), stop);
                    LogSnapshot(logger, Entry.Name, item.Frame.Revision);
                    if (wantSnapshot)
                    {
                        wantSnapshot = false;
                        metrics.NoteDivergence(Entry.Name, client.Options.Region, false);
                    }

                    break;
                case FeedFrameKind.Fork:
                    var dropped = await ProposeAsync(new NamespaceCommand(Entry.Name, new TruncateCommand(item.Frame.Revision, requestedAfter)), stop);
                    LogTruncated(logger, Entry.Name, item.Frame.Revision, dropped.Write?.Revision ?? 0);
                    return;
                case FeedFrameKind.Heartbeat:
                    await CheckAsync(item.Frame, stop);
                    break;
            }
        }
    }

    /// <summary>Applies a frame of changes together with every later one already due: one proposal for a backlog.</summary>
    private async Task ApplyChangesAsync(NamespaceCommand command, ChannelReader<(TimeSpan Due, FeedFrame Frame, NamespaceCommand? Changes)> frames, CancellationToken stop)
    {
        var replicate = (ReplicateCommand)command.Command;
        var revisions = new List<ReplicatedRevision>(replicate.Revisions);
        var outcomes = new List<RememberedOutcome>(command.Outcomes ?? []);
        while (revisions.Count < 4096 && frames.TryPeek(out var more) && more.Frame.Kind == FeedFrameKind.Changes && more.Due <= time.Monotonic())
        {
            frames.TryRead(out _);
            var next = more.Changes!;
            revisions.AddRange(((ReplicateCommand)next.Command).Revisions);
            outcomes.AddRange(next.Outcomes ?? []);
        }

        var reply = await ProposeAsync(new NamespaceCommand(Entry.Name, new ReplicateCommand(replicate.After, revisions), Outcomes: outcomes), stop);
        if (reply.Write is { Error: { } error } refused)
        {
            // A gap (another replicator moved the copy, or a change of home): pull again from the watermark.
            throw new InvalidDataException($"the copy refused shipped changes ({error}): {refused.Detail}");
        }
    }

    /// <summary>
    /// Anti-entropy at a heartbeat: with every change before it applied, the copy is at the home's
    /// head, so the two digests at that revision must match. A mismatch is reported (metric, log)
    /// and the copy is replaced with a fresh snapshot. The copy also compacts as far as the home did.
    /// </summary>
    private async Task CheckAsync(FeedFrame heartbeat, CancellationToken stop)
    {
        var (revision, digest, compacted) = router.Local(group).Read(m => m.State(Entry.Name) is { IsCopy: true } state
            ? (state.Store.Revision, state.Store.Revision >= state.Store.CompactRevision ? state.Store.DigestAt() : 0UL, state.Store.CompactRevision)
            : (-1L, 0UL, 0L));
        if (revision != heartbeat.Head || heartbeat.Payload.Length != sizeof(ulong))
        {
            return;
        }

        var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(heartbeat.Payload);
        if (expected != digest)
        {
            metrics.NoteDivergence(Entry.Name, client.Options.Region, true);
            LogDiverged(logger, Entry.Name, revision, expected, digest);
            wantSnapshot = true;
            throw new InvalidDataException($"the copy of '{Entry.Name}' diverged from its home at revision {revision}");
        }

        if (heartbeat.Revision > compacted && heartbeat.Revision <= revision)
        {
            await ProposeAsync(new NamespaceCommand(Entry.Name, new CompactCommand(heartbeat.Revision)), stop);
        }
    }

    private async Task<ProposeReply> ProposeAsync(GroupCommand command, CancellationToken stop)
    {
        var reply = await router.ProposeAsync(group, command, stop);
        if (reply.Problem is { } problem)
        {
            throw new InvalidDataException($"the copy of '{Entry.Name}' refused a command: {problem}");
        }

        return reply;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "replication of '{Namespace}' from {Home} stopped ({Reason}); pulling again from the watermark")]
    private static partial void LogPullFailed(ILogger logger, string @namespace, string home, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "the copy of '{Namespace}' diverged from its home at revision {Revision} (digest {Expected:x16} at the home, {Actual:x16} here): replacing it with a snapshot")]
    private static partial void LogDiverged(ILogger logger, string @namespace, long revision, ulong expected, ulong actual);

    [LoggerMessage(Level = LogLevel.Information, Message = "the copy of '{Namespace}' was behind the home's compaction: installed its snapshot at revision {Revision}")]
    private static partial void LogSnapshot(ILogger logger, string @namespace, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the copy of '{Namespace}' held revisions past its epoch's fork point {Fork}: dropped them (revision now {Revision})")]
    private static partial void LogTruncated(ILogger logger, string @namespace, long fork, long revision);
}
