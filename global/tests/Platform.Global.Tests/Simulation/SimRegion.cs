using System.Text;
using Platform.Consensus.Log;
using Platform.Global.Leases;
using Platform.Global.Moves;
using Platform.Global.Replication;
using Platform.Regional.Catalog;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Global.Tests.Simulation;

/// <summary>
/// One region as the replication rules see it: its group's real state machine (the namespace's
/// data, home or copy), its home lease (the real <see cref="HomeLease"/>) judged on its own drifting
/// monotonic clock, the catalog entry it last learned, and its three loops: lease renewal, the
/// replicator's pull (through the real <see cref="FeedSource"/>) and, while it is the home, client
/// writes checked against the lease after they commit and before they are acknowledged.
/// </summary>
public sealed class SimRegion
{
    private readonly SimWorld world;
    private readonly SimCatalog catalog;
    private readonly SimChecker checker;
    private readonly Dictionary<string, SimRegion> regions;
    private readonly double rate;
    private readonly long offset;
    private long index;
    private int writes;

    public SimRegion(string name, SimWorld world, SimCatalog catalog, SimChecker checker, Dictionary<string, SimRegion> regions, TimeSpan leaseDuration, double rho)
    {
        Name = name;
        this.world = world;
        this.catalog = catalog;
        this.checker = checker;
        this.regions = regions;
        rate = 1 + ((world.Random.NextDouble() * 2) - 1) * rho;
        offset = world.Random.NextInt64(0, 1_000_000_000);
        Lease = new HomeLease(leaseDuration, rho);
        Known = (catalog.Entry, false);
        var home = catalog.Home == name;
        Apply(new CreateNamespaceCommand(catalog.Namespace, catalog.SettingsFor(catalog.Home), 0, Copy: !home));
    }

    public string Name { get; }

    public GroupStateMachine Machine { get; } = new();

    public HomeLease Lease { get; }

    public (CatalogEntry Entry, bool Revoked) Known { get; private set; }

    /// <summary>Whether client writes are still being made (the run's last phase only lets things settle).</summary>
    public bool Writing { get; set; } = true;

    private string Ns => catalog.Namespace;

    public GroupStateMachine.NamespaceState State => Machine.State(Ns)!;

    /// <summary>This region's monotonic clock: it drifts by up to rho and keeps counting while the region is frozen.</summary>
    public TimeSpan LocalNow => TimeSpan.FromTicks((long)((offset + (world.Now * rate)) * 10));

    /// <summary>The real time that passes while this region's clock advances by <paramref name="local"/> (µs).</summary>
    public long RealFor(TimeSpan local) => (long)Math.Ceiling(local.TotalMicroseconds / rate);

    public GroupApplyOutcome Apply(GroupCommand command) => Machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(command)));

    public void Start()
    {
        world.At(world.Random.NextInt64(0, 50_000), Name, Renew);
        world.At(world.Random.NextInt64(0, 20_000), Name, Pull);
        world.At(world.Random.NextInt64(0, 20_000), Name, Write);
    }

    private void Renew()
    {
        var sentAt = LocalNow;
        world.Send(Name, null, () =>
        {
            var covered = catalog.Covered(Name);
            var entry = (catalog.Entry, catalog.Revoked);
            world.Send(null, Name, () =>
            {
                Lease.Renewed(sentAt, covered);
                Observe(entry);
            });
        });
        world.At(RealFor(Lease.Duration / 3), Name, Renew);
    }

    /// <summary>Learns a catalog entry and follows it by the replicator's own rules (<see cref="CatalogRules"/>).</summary>
    public void Observe((CatalogEntry Entry, bool Revoked) learned)
    {
        if (learned.Entry.Version <= Known.Entry.Version)
        {
            return;
        }

        Known = learned;
        for (var step = 0; step < 4 && CatalogRules.NextStep(learned.Entry, Name, CatalogRules.Held(Machine, Ns)!.Value) is { } command; step++)
        {
            var outcome = Apply(command);
            world.Log($"{Name} follows epoch {learned.Entry.Epoch} (home {learned.Entry.HomeRegion}): {command.GetType().Name} -> {State.Store.Revision:x} {outcome.Problem}");
        }
    }

    private void Write()
    {
        world.At(world.Random.NextInt64(3_000, 30_000), Name, Write);
        var epoch = Known.Entry.Epoch;
        if (!Writing || Known.Entry.HomeRegion != Name || State.IsCopy || !Lease.Covers(Ns, epoch, LocalNow))
        {
            return;
        }

        var key = $"k{world.Random.Next(12)}";
        var value = $"{Name}-{++writes}";
        var outcome = Apply(new NamespaceCommand(Ns, new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain"), ProposedAtMs: world.Now / 1000, Epoch: epoch));
        if (outcome.Write is not { Succeeded: true } written)
        {
            return;
        }

        // Committed; acknowledged only if the lease still covers (namespace, epoch) when the answer leaves.
        world.At(world.Random.NextInt64(0, 4_000), Name, () =>
        {
            if (Lease.Covers(Ns, epoch, LocalNow))
            {
                checker.Acknowledged(Name, epoch, written.Revision, key, value);
            }
        });
    }

    private void Pull()
    {
        world.At(RealFor(TimeSpan.FromMilliseconds(20)), Name, Pull);
        if (!State.IsCopy || Known.Entry.HomeRegion is not { } home || home == Name)
        {
            return;
        }

        var after = State.Store.Revision;
        world.Send(Name, home, () => regions[home].Serve(Name, after));
    }

    /// <summary>The home's side of the feed: the next frame after the requester's revision, or nothing if this region is not the home.</summary>
    private void Serve(string requester, long after)
    {
        if (State.IsCopy)
        {
            return;
        }

        var frame = Known.Entry.ForkBelow(after) is { } fork
            ? new FeedFrame(FeedFrameKind.Fork, after, fork, [])
            : FeedSource.NextFrame(Machine, Ns, after);
        if (frame is not null)
        {
            world.Send(Name, requester, () => regions[requester].Receive(frame));
        }
    }

    private void Receive(FeedFrame frame)
    {
        if (!State.IsCopy)
        {
            return;
        }

        switch (frame.Kind)
        {
            case FeedFrameKind.Changes:
                Apply(GroupCommandCodec.Decode(frame.Payload));
                break;
            case FeedFrameKind.Fork:
                // The answer is about the revision the request carried (in Head): the copy may have moved since.
                var dropped = Apply(new NamespaceCommand(Ns, new TruncateCommand(frame.Revision, frame.Head)));
                world.Log($"{Name} told to truncate to the fork point {frame.Revision:x} (now {dropped.Write?.Revision:x})");
                break;
            case FeedFrameKind.Snapshot:
                Apply(new InstallNamespaceSnapshotCommand(Ns, Known.Entry.Settings, frame.Payload));
                world.Log($"{Name} installed a snapshot at {frame.Revision:x}");
                break;
            case FeedFrameKind.Heartbeat when frame.Head == State.Store.Revision && frame.Payload.Length == 8:
                var expected = BitConverter.ToUInt64(frame.Payload);
                if (expected != State.Store.DigestAt())
                {
                    checker.Fail($"{Name}'s copy differs from its home's at revision {frame.Head:x}");
                }

                break;
        }
    }

    /// <summary>The operator's fence (a switchover's freeze at the home, a failover's stop everywhere): answers the revision it holds.</summary>
    public void Fence(long epoch, long moveVersion, Action<string, long> reply)
    {
        var outcome = Apply(new FenceNamespaceCommand(Ns, epoch, moveVersion));
        var revision = outcome.Write!.Revision;
        world.Log($"{Name} fenced through epoch {epoch} at {revision:x}");
        world.Send(Name, null, () => reply(Name, revision));
    }

    public void Unfence(long epoch) => Apply(new UnfenceNamespaceCommand(Ns, epoch));

    /// <summary>The operator's word that the catalog made this region the home: learned like a renewal's answer.</summary>
    public void Promoted((CatalogEntry Entry, bool Revoked) learned) => Observe(learned);

    public void Report(Action<long> reply)
    {
        var revision = State.Store.Revision;
        world.Send(Name, null, () => reply(revision));
    }
}
