using System.Text;
using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// A group's copy of a namespace homed elsewhere takes only shipped changes and its home only
/// clients' writes; a write made under another epoch than the namespace's is fenced; the new
/// commands survive the codec and a snapshot.
/// </summary>
public sealed class CopiesAndFencingTests
{
    private static readonly NamespaceSettings Homed = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    private readonly GroupStateMachine home = new();
    private readonly GroupStateMachine copy = new();
    private long homeIndex;
    private long copyIndex;

    private GroupApplyOutcome AtHome(GroupCommand command) => home.Apply(Entry.Normal(++homeIndex, 1, GroupCommandCodec.Encode(command)));

    private GroupApplyOutcome AtCopy(GroupCommand command) => copy.Apply(Entry.Normal(++copyIndex, 1, GroupCommandCodec.Encode(command)));

    private static NamespaceCommand Put(string key, string value, long? epoch = null) =>
        new("orders", new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain"), Epoch: epoch);

    /// <summary>What the home's change feed ships after <paramref name="after"/>.</summary>
    private NamespaceCommand Feed(long after)
    {
        var store = home.Namespace("orders")!;
        var revisions = store.ChangesAfter(after).GroupBy(c => c.Revision).Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g])).ToList();
        return new NamespaceCommand("orders", new ReplicateCommand(after, revisions), Outcomes: home.State("orders")!.Idempotency.Between(after, store.Revision));
    }

    [Fact]
    public void Idempotency_keys_travel_with_the_changes_so_a_retry_at_a_copy_promoted_later_gets_the_first_outcome()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtCopy(new CreateNamespaceCommand("orders", Homed, Copy: true));
        var first = AtHome(new NamespaceCommand("orders", new PutCommand("a", "1"u8.ToArray(), "t"), "retry-me", 1_000));
        AtHome(new NamespaceCommand("orders", new PutCommand("b", "1"u8.ToArray(), "t", new Precondition(IfAbsent: true)), "created", 1_001));
        AtHome(new NamespaceCommand("orders", new PutCommand("b", "2"u8.ToArray(), "t", new Precondition(IfAbsent: true)), "refused-too", 1_002));

        AtCopy(Feed(0));

        var atCopy = copy.State("orders")!.Idempotency.Find("retry-me");
        Assert.NotNull(atCopy);
        Assert.Equal(first.Write!.Revision, atCopy.Revision);
        Assert.Equal(MvccErrorCode.PreconditionFailed, copy.State("orders")!.Idempotency.Find("refused-too")!.Error);
    }

    [Fact]
    public void A_write_under_another_epoch_is_fenced_and_changes_nothing()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed, Epoch: 3));
        var current = AtHome(Put("a", "1", epoch: 3));
        var stale = AtHome(Put("a", "2", epoch: 2));

        Assert.True(current.Write!.Succeeded);
        Assert.Equal(Revisions.Compose(3, 1), current.Write.Revision);
        Assert.Equal(MvccErrorCode.FencedEpoch, stale.Write!.Error);
        Assert.Equal("1", Encoding.UTF8.GetString(home.Namespace("orders")!.Get("a")!.Value.Span));
    }

    [Fact]
    public void A_copy_takes_shipped_changes_and_refuses_writes_and_the_home_refuses_shipped_changes()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtCopy(new CreateNamespaceCommand("orders", Homed, Copy: true));
        AtHome(new NamespaceCommand("orders", new PutCommand("a", "1"u8.ToArray(), "t"), ProposedAtMs: 1_234));
        AtHome(Put("b", "1"));

        var shipped = AtCopy(Feed(0));
        var written = AtCopy(Put("c", "1", epoch: 0));
        var intoHome = AtHome(Feed(0));

        Assert.True(shipped.Write!.Succeeded);
        Assert.Equal(home.Namespace("orders")!.DigestAt(), copy.Namespace("orders")!.DigestAt());
        Assert.Equal(1_234, copy.Namespace("orders")!.CommittedAt(1));
        Assert.Equal(MvccErrorCode.FencedEpoch, written.Write!.Error);
        Assert.Null(copy.Namespace("orders")!.Get("c"));
        Assert.Equal(MvccErrorCode.FencedEpoch, intoHome.Write!.Error);
        Assert.Equal(2, home.Namespace("orders")!.Revision);
    }

    [Fact]
    public void A_snapshot_of_the_home_replaces_a_copy_behind_it_and_never_the_home()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        for (var i = 0; i < 5; i++)
        {
            AtHome(Put($"k{i}", "v"));
        }

        AtHome(new NamespaceCommand("orders", new CompactCommand(4)));
        var bytes = home.NamespaceSnapshot("orders")!;

        Assert.Null(AtCopy(new InstallNamespaceSnapshotCommand("orders", Homed, bytes)).Problem);
        var overHome = AtHome(new InstallNamespaceSnapshotCommand("orders", Homed, bytes));

        Assert.True(copy.State("orders")!.IsCopy);
        Assert.Equal(5, copy.Namespace("orders")!.Revision);
        Assert.Equal(copyIndex, copy.Namespace("orders")!.AppliedIndex);
        Assert.Contains("homed here", overHome.Problem, StringComparison.Ordinal);

        // The copy goes on from the snapshot with the home's later changes.
        AtHome(Put("k9", "v"));
        Assert.True(AtCopy(Feed(5)).Write!.Succeeded);
        Assert.Equal(home.Namespace("orders")!.DigestAt(), copy.Namespace("orders")!.DigestAt());
    }

    [Fact]
    public void Copies_and_their_commands_survive_the_codec_and_a_snapshot()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtHome(Put("a", "1"));
        GroupCommand[] commands =
        [
            new CreateNamespaceCommand("orders", Homed, 4, Copy: true),
            Put("a", "1", epoch: 7),
            Feed(0),
            new NamespaceCommand("orders", new TruncateCommand(12)),
            new InstallNamespaceSnapshotCommand("orders", Homed, new byte[] { 1, 2, 3 }, Replace: true),
            new ChangeModeCommand("orders", Homed with { Mode = NamespaceMode.StrongGlobal, HomeRegion = null }, 1UL << 62, 9),
        ];
        foreach (var command in commands)
        {
            Assert.Equal(Describe(command), Describe(GroupCommandCodec.Decode(GroupCommandCodec.Encode(command))));
        }

        AtCopy(new CreateNamespaceCommand("orders", Homed, Copy: true));
        AtCopy(Feed(0));
        var restored = GroupStateMachine.FromSnapshot(copy.ToSnapshot());
        Assert.True(restored.State("orders")!.IsCopy);
        Assert.Equal(copy.Namespace("orders")!.DigestAt(), restored.Namespace("orders")!.DigestAt());
    }

    private static string Describe(GroupCommand command) => command switch
    {
        NamespaceCommand { Command: ReplicateCommand replicate } scoped => $"{scoped.Namespace} replicate after {replicate.After} outcomes {string.Join(',', scoped.Outcomes ?? [])}: " + string.Join(';',
            replicate.Revisions.Select(r => $"{r.Revision}@{r.CommittedAtMs} " + string.Join(',', r.Changes.Select(c =>
                $"{c.Kind} {c.Current.Key}={Convert.ToHexString(c.Current.Value.Span)} {c.Current.ContentType} c{c.Current.CreateRevision} m{c.Current.ModRevision} v{c.Current.Version}")))),
        NamespaceCommand { Command: PutCommand put } scoped => $"{scoped.Namespace} put {put.Key} {Convert.ToHexString(put.Value.Span)} epoch {scoped.Epoch}",
        InstallNamespaceSnapshotCommand install => $"install {install.Namespace} {install.Settings} {Convert.ToHexString(install.Snapshot.Span)} {install.Replace}",
        _ => command.ToString(),
    };
}
