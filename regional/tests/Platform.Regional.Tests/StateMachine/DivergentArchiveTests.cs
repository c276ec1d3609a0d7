using System.Text;
using Platform.Consensus.Log;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// A former home that learns of a fork point drops what it committed past it into its pending
/// divergent writes (with commit times, and unacknowledged where it answered OutcomeUnknown); the
/// catalog's archive keeps each write once; both survive the codec and snapshots.
/// </summary>
public sealed class DivergentArchiveTests
{
    private static readonly NamespaceSettings Homed = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    private readonly GroupStateMachine group = new();
    private readonly GroupStateMachine catalog = new();
    private long index;
    private long catalogIndex;

    private GroupApplyOutcome Apply(GroupCommand command) => group.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(GroupCommandCodec.Decode(GroupCommandCodec.Encode(command)))));

    private GroupApplyOutcome AtCatalog(GroupCommand command) => catalog.Apply(Entry.Normal(++catalogIndex, 1, GroupCommandCodec.Encode(command)));

    private long Put(string key, string value) =>
        Apply(new NamespaceCommand("orders", new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain"), ProposedAtMs: 1_000 + index)).Write!.Revision;

    [Fact]
    public void A_former_home_truncated_to_a_fork_keeps_what_it_dropped_until_the_catalog_archives_it()
    {
        Apply(new CreateNamespaceCommand("orders", Homed));
        var fork = Put("a", "1");
        var lost = Put("b", "2");
        var unknown = Put("c", "3");
        Apply(new NamespaceCommand("orders", new DeleteCommand("a"), ProposedAtMs: 5_000));
        Apply(new NoteUnacknowledgedCommand("orders", unknown));

        // The home moved away while this region was cut off: it becomes a copy and learns the fork.
        Apply(new DemoteToCopyCommand("orders", Homed with { HomeRegion = "us-east" }));
        Assert.Null(Apply(new NamespaceCommand("orders", new TruncateCommand(fork))).Problem);

        var state = group.State("orders")!;
        Assert.Equal(fork, state.Store.Revision);
        Assert.Equal(
            [("b", false, lost, true), ("c", false, unknown, false), ("a", true, unknown + 1, true)],
            state.PendingDivergent.Select(w => (w.Key, w.Deleted, w.Revision, w.Acknowledged)));
        Assert.Equal("2", Encoding.UTF8.GetString(state.PendingDivergent[0].Value.Span));
        Assert.Equal(5_000, state.PendingDivergent[2].CommittedAtMs);
        Assert.All(state.PendingDivergent, w => Assert.True(w.CommittedAtMs > 1_000));

        // Pending writes survive a snapshot of the group.
        var restored = GroupStateMachine.FromSnapshot(group.ToSnapshot()).State("orders")!;
        Assert.Equal(state.PendingDivergent.Select(w => w.Identity), restored.PendingDivergent.Select(w => w.Identity));
        Assert.Contains(unknown, restored.Unacknowledged);

        // The catalog keeps each write once (another region may deliver the same one), in revision order.
        AtCatalog(new PutCatalogEntryCommand("orders", Homed, 2, 0));
        Assert.Null(AtCatalog(new ArchiveDivergentCommand("orders", [.. state.PendingDivergent.Skip(1)])).Problem);
        Assert.Null(AtCatalog(new ArchiveDivergentCommand("orders", [.. state.PendingDivergent.Select(w => w with { Acknowledged = true })])).Problem);
        var archive = catalog.Catalog.Divergent("orders");
        Assert.Equal([lost, unknown, unknown + 1], archive.Select(w => w.Revision));
        Assert.False(archive.Single(w => w.Key == "c").Acknowledged);
        Assert.Equal(archive.Select(w => w.Identity), GroupStateMachine.FromSnapshot(catalog.ToSnapshot()).Catalog.Divergent("orders").Select(w => w.Identity));

        // Delivered: the group forgets exactly those.
        Apply(new ForgetDivergentCommand("orders", [state.PendingDivergent[0].Identity, state.PendingDivergent[1].Identity]));
        Assert.Equal(["a"], group.State("orders")!.PendingDivergent.Select(w => w.Key));
    }

    [Fact]
    public void A_truncation_that_changes_nothing_archives_nothing_and_a_deleted_namespace_takes_its_archive_along()
    {
        Apply(new CreateNamespaceCommand("orders", Homed, Copy: true));
        Assert.Null(Apply(new NamespaceCommand("orders", new TruncateCommand(5))).Problem);
        Assert.Empty(group.State("orders")!.PendingDivergent);

        AtCatalog(new PutCatalogEntryCommand("orders", Homed, 2, 0));
        AtCatalog(new ArchiveDivergentCommand("orders", [new DivergentWrite("k", new byte[] { 1 }, "application/octet-stream", false, 7, 1, true)]));
        Assert.Single(catalog.Catalog.Divergent("orders"));
        AtCatalog(new DeleteCatalogEntryCommand("orders", 1));
        Assert.Empty(catalog.Catalog.Divergent("orders"));
        Assert.NotNull(AtCatalog(new ArchiveDivergentCommand("orders", [new DivergentWrite("k", new byte[] { 1 }, "application/octet-stream", false, 7, 1, true)])).Problem);
    }
}
