using System.Text;
using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// Truncating to a fork point drops the idempotency outcomes of what it truncated: after a
/// failback, a retry with the key of a write lost past the fork is applied again rather than
/// answered "replayed, succeeded" at a revision whose value is not in the data. Outcomes whose
/// write survives the fork are kept, however late they were shipped.
/// </summary>
public sealed class IdempotencyAcrossForksTests
{
    private static readonly NamespaceSettings HomedHere = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);
    private static readonly NamespaceSettings HomedElsewhere = HomedHere with { HomeRegion = "us-east" };

    private readonly GroupStateMachine home = new();
    private readonly GroupStateMachine copy = new();
    private long homeIndex;
    private long copyIndex;

    private GroupApplyOutcome AtHome(GroupCommand command) => home.Apply(Entry.Normal(++homeIndex, 1, GroupCommandCodec.Encode(command)));

    private GroupApplyOutcome AtCopy(GroupCommand command) => copy.Apply(Entry.Normal(++copyIndex, 1, GroupCommandCodec.Encode(command)));

    private static NamespaceCommand Put(string key, string value, string? idempotencyKey = null, long? epoch = null, Precondition precondition = default) =>
        new("orders", new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain", precondition), idempotencyKey, 1_000, epoch);

    /// <summary>What the home's change feed ships after <paramref name="after"/>.</summary>
    private NamespaceCommand Feed(long after)
    {
        var store = home.Namespace("orders")!;
        var revisions = store.ChangesAfter(after).GroupBy(c => c.Revision).Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g])).ToList();
        return new NamespaceCommand("orders", new ReplicateCommand(after, revisions), Outcomes: home.State("orders")!.Idempotency.Between(after, store.Revision));
    }

    private static string? Value(GroupStateMachine machine, string key) =>
        machine.Namespace("orders")!.Get(key) is { } kept ? Encoding.UTF8.GetString(kept.Value.Span) : null;

    [Fact]
    public void A_retry_after_failback_of_a_write_truncated_at_the_former_home_applies_again()
    {
        AtHome(new CreateNamespaceCommand("orders", HomedHere));
        var fork = AtHome(Put("a", "1")).Write!.Revision;
        var lost = AtHome(Put("b", "2", "retry-b")).Write!.Revision;

        // The home is lost; another region is promoted at the fork. Back, this region becomes a
        // copy, drops what it held past the fork, and is later made the home again (failback).
        AtHome(new DemoteToCopyCommand("orders", HomedElsewhere));
        Assert.Null(AtHome(new NamespaceCommand("orders", new TruncateCommand(fork))).Problem);
        AtHome(new PromoteCopyCommand("orders", HomedHere, 2));

        var retry = AtHome(Put("b", "2", "retry-b", epoch: 2)).Write!;

        Assert.False(retry.Replayed, $"the retry was answered 'replayed, succeeded at revision {retry.Revision}' (the lost write was at {lost}) while the data holds b = {Value(home, "b") ?? "nothing"}");
        Assert.Equal("2", Value(home, "b"));
        Assert.Equal(Revisions.Compose(2, 1), retry.Revision);
    }

    [Fact]
    public void Outcomes_shipped_to_a_copy_past_a_fork_are_dropped_with_the_revisions()
    {
        AtHome(new CreateNamespaceCommand("orders", HomedElsewhere));
        AtCopy(new CreateNamespaceCommand("orders", HomedElsewhere, Copy: true));
        var fork = AtHome(Put("a", "1")).Write!.Revision;
        AtHome(Put("b", "2", "retry-b"));
        AtCopy(Feed(0));

        // The copy learns of a fork below what it holds, truncates, and is promoted later.
        Assert.Null(AtCopy(new NamespaceCommand("orders", new TruncateCommand(fork))).Problem);
        AtCopy(new PromoteCopyCommand("orders", HomedHere, 1));

        var retry = AtCopy(Put("b", "2", "retry-b", epoch: 1)).Write!;

        Assert.False(retry.Replayed, $"the retry was answered 'replayed, succeeded at revision {retry.Revision}' while the data holds b = {Value(copy, "b") ?? "nothing"}");
        Assert.Equal("2", Value(copy, "b"));
    }

    [Fact]
    public void An_outcome_whose_write_lies_at_or_below_the_fork_is_kept_even_when_it_was_shipped_late()
    {
        AtHome(new CreateNamespaceCommand("orders", HomedElsewhere));
        AtCopy(new CreateNamespaceCommand("orders", HomedElsewhere, Copy: true));
        var kept = AtHome(Put("a", "1", "retry-a")).Write!.Revision;
        var fork = AtHome(Put("b", "1")).Write!.Revision;
        AtHome(Put("c", "1", "retry-c"));
        var shipped = Feed(0);

        // The outcome of 'retry-a' arrives again after the later revisions (a second replicator, a
        // retried frame): it is kept with the latest revision, past the fork, though its write is not.
        AtCopy(shipped with { Outcomes = [.. shipped.Outcomes!.Where(o => o.Key == "retry-c")] });
        AtCopy(shipped with { Outcomes = [.. shipped.Outcomes!.Where(o => o.Key == "retry-a")] });
        Assert.Null(AtCopy(new NamespaceCommand("orders", new TruncateCommand(fork))).Problem);
        AtCopy(new PromoteCopyCommand("orders", HomedHere, 1));

        var retry = AtCopy(Put("a", "1", "retry-a", epoch: 1)).Write!;

        Assert.True(retry.Replayed, $"the retry of a write that survived the fork was applied again at {retry.Revision}");
        Assert.Equal(kept, retry.Revision);
        Assert.Equal(kept, copy.Namespace("orders")!.Get("a")!.ModRevision);
    }

    [Fact]
    public void A_refusal_judged_past_the_fork_is_forgotten_and_one_judged_at_or_below_it_is_kept()
    {
        AtHome(new CreateNamespaceCommand("orders", HomedHere));
        var fork = AtHome(Put("a", "1")).Write!.Revision;
        var atFork = AtHome(Put("a", "2", "refused-at-fork", precondition: new Precondition(IfAbsent: true))).Write!;
        AtHome(Put("b", "1"));
        var pastFork = AtHome(Put("b", "2", "refused-past-fork", precondition: new Precondition(IfAbsent: true))).Write!;
        Assert.Equal(MvccErrorCode.PreconditionFailed, atFork.Error);
        Assert.Equal(MvccErrorCode.PreconditionFailed, pastFork.Error);

        AtHome(new DemoteToCopyCommand("orders", HomedElsewhere));
        Assert.Null(AtHome(new NamespaceCommand("orders", new TruncateCommand(fork))).Problem);
        AtHome(new PromoteCopyCommand("orders", HomedHere, 1));

        // 'b' does not exist in the history that goes on: the refusal was judged against a write
        // that is gone, so the retry is judged afresh. 'a' existed at the fork as it does now.
        var retryPast = AtHome(Put("b", "2", "refused-past-fork", epoch: 1, precondition: new Precondition(IfAbsent: true))).Write!;
        var retryAt = AtHome(Put("a", "2", "refused-at-fork", epoch: 1, precondition: new Precondition(IfAbsent: true))).Write!;

        Assert.False(retryPast.Replayed, $"the refusal judged at revision {pastFork.Revision}, past the fork {fork}, was replayed");
        Assert.True(retryPast.Succeeded);
        Assert.True(retryAt.Replayed);
        Assert.Equal(MvccErrorCode.PreconditionFailed, retryAt.Error);
    }
}
