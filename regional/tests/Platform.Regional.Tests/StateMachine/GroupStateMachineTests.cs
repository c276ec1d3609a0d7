using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

public sealed class GroupStateMachineTests
{
    private readonly GroupStateMachine machine = new();
    private long index;

    private GroupApplyOutcome Apply(GroupCommand command) => machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(command)));

    [Fact]
    public void Every_command_kind_survives_the_codec()
    {
        GroupCommand[] commands =
        [
            new CreateNamespaceCommand("payments", NamespaceSettings.Default),
            new CreateNamespaceCommand("payments", new NamespaceSettings(NamespaceMode.StrongGlobal, "eu-west", TimeSpan.FromMilliseconds(1500), RpoPolicy.Reject, true)),
            new PutTokenCommand("ci", "ab12", [new Grant("pay*", Role.Writer), new Grant("*", Role.Reader)]),
            new RevokeTokenCommand("ci"),
            new NamespaceCommand("payments", new PutCommand("k", "v"u8.ToArray(), "t"), "retry-1", 1_700_000_000_000),
            new DeleteNamespaceCommand("payments"),
            new NamespaceCommand("payments", new PutCommand("a/b", "v"u8.ToArray(), "text/plain", new Precondition(7, false))),
            new NamespaceCommand("payments", new PutCommand("a", "v"u8.ToArray(), "x", new Precondition(null, true))),
            new NamespaceCommand("payments", new DeleteCommand("a", new Precondition(3))),
            new NamespaceCommand("payments", new CompactCommand(12)),
            new NamespaceCommand("payments", new BeginEpochCommand(2)),
            new NamespaceCommand("payments", new TxnCommand(
                [new TxnCompare("a", CompareTarget.Value, CompareOperator.Greater, 0, "x"u8.ToArray())],
                [new TxnOperation("b", false, "1"u8.ToArray(), "t"), new TxnOperation("c", true)],
                [new TxnOperation("d", false, "2"u8.ToArray())])),
        ];

        foreach (var command in commands)
        {
            var decoded = GroupCommandCodec.Decode(GroupCommandCodec.Encode(command));
            Assert.Equal(Describe(command), Describe(decoded));
        }
    }

    [Fact]
    public void Commands_apply_to_their_namespace_and_unknown_namespaces_are_refused()
    {
        Apply(new CreateNamespaceCommand("payments"));
        var put = Apply(new NamespaceCommand("payments", new PutCommand("a", "1"u8.ToArray(), "text/plain")));
        var elsewhere = Apply(new NamespaceCommand("nowhere", new PutCommand("a", "1"u8.ToArray(), "text/plain")));

        Assert.True(put.Write!.Succeeded);
        Assert.Equal(1, machine.Namespace("payments")!.Revision);
        Assert.Contains("does not exist", elsewhere.Problem, StringComparison.Ordinal);
        Assert.Equal(3, machine.AppliedIndex);
    }

    [Fact]
    public void Undecodable_bytes_are_refused_the_same_way_everywhere_and_change_nothing()
    {
        var outcome = machine.Apply(Entry.Normal(1, 1, new byte[] { 1, 99, 0 }));

        Assert.NotNull(outcome.Problem);
        Assert.Empty(machine.Namespaces);
        Assert.Equal(1, machine.AppliedIndex);
    }

    [Fact]
    public void A_skipped_entry_is_an_invariant_violation()
    {
        Assert.Throws<InvalidOperationException>(() => machine.Apply(Entry.Normal(2, 1, ReadOnlyMemory<byte>.Empty)));
    }

    [Fact]
    public void A_snapshot_restores_every_namespace()
    {
        Apply(new CreateNamespaceCommand("a"));
        Apply(new CreateNamespaceCommand("b"));
        Apply(new NamespaceCommand("a", new PutCommand("k", "1"u8.ToArray(), "t")));
        Apply(new NamespaceCommand("b", new PutCommand("k", "2"u8.ToArray(), "t")));

        var restored = GroupStateMachine.FromSnapshot(machine.ToSnapshot());

        Assert.Equal(machine.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(["a", "b"], restored.Namespaces);
        Assert.Equal("2"u8.ToArray(), restored.Namespace("b")!.Get("k")!.Value.ToArray());
        Assert.Equal(machine.Namespace("a")!.DigestAt(), restored.Namespace("a")!.DigestAt());
    }

    private static string Describe(GroupCommand command) => command switch
    {
        NamespaceCommand { Command: PutCommand put } scoped => $"{scoped.Namespace} put {put.Key} {Convert.ToHexString(put.Value.Span)} {put.ContentType} {put.Precondition} {scoped.IdempotencyKey} {scoped.ProposedAtMs}",
        PutTokenCommand token => $"token {token.Name} {token.Hash} {string.Join(',', token.Grants)}",
        NamespaceCommand { Command: TxnCommand txn } scoped => $"{scoped.Namespace} txn " +
            string.Join(';', txn.Compares.Select(c => $"{c.Key} {c.Target} {c.Operator} {c.Number} {Convert.ToHexString(c.Bytes.Span)}")) + "|" +
            string.Join(';', txn.Success.Concat(txn.Failure).Select(o => $"{o.Key} {o.IsDelete} {Convert.ToHexString(o.Value.Span)} {o.ContentType}")),
        _ => command.ToString(),
    };

    [Fact]
    public void An_idempotency_key_returns_the_first_outcome_until_it_ages_out()
    {
        Apply(new CreateNamespaceCommand("payments"));
        var day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
        var first = Apply(new NamespaceCommand("payments", new PutCommand("a", "1"u8.ToArray(), "t"), "req", AgeingStampMs: 1000));
        var retry = Apply(new NamespaceCommand("payments", new PutCommand("a", "2"u8.ToArray(), "t"), "req", AgeingStampMs: 2000));

        Assert.False(first.Write!.Replayed);
        Assert.True(retry.Write!.Replayed);
        Assert.Equal(first.Write.Revision, retry.Write.Revision);
        Assert.Equal(1, machine.Namespace("payments")!.Revision);

        // Restored from a snapshot, the key is still remembered...
        var restored = GroupStateMachine.FromSnapshot(machine.ToSnapshot());
        Assert.NotNull(restored.State("payments")!.Idempotency.Find("req"));

        // ...until commands stamped more than the retention later on the group's ageing clock push it out.
        Apply(new NamespaceCommand("payments", new PutCommand("b", "1"u8.ToArray(), "t"), "other", AgeingStampMs: 1000 + day + (long)IdempotencyTable.Retention.TotalMilliseconds));
        var late = Apply(new NamespaceCommand("payments", new PutCommand("a", "3"u8.ToArray(), "t"), "req", AgeingStampMs: 3000 + day + (long)IdempotencyTable.Retention.TotalMilliseconds));
        Assert.False(late.Write!.Replayed);
        Assert.Equal(3, machine.Namespace("payments")!.Get("a")!.Version + 1);
    }

    [Fact]
    public void Tokens_and_settings_survive_a_snapshot()
    {
        var settings = new NamespaceSettings(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(3), RpoPolicy.Throttle, false);
        Apply(new CreateNamespaceCommand("payments", settings));
        Apply(new PutTokenCommand("ci", "ab12", [new Grant("pay*", Role.Writer)]));
        Apply(new PutTokenCommand("gone", "cd34", [new Grant("*", Role.Reader)]));
        Apply(new RevokeTokenCommand("gone"));

        var restored = GroupStateMachine.FromSnapshot(machine.ToSnapshot());

        Assert.Equal(settings, restored.State("payments")!.Settings);
        var token = Assert.Single(restored.Tokens);
        Assert.Equal("ci", token.Name);
        Assert.Equal([new Grant("pay*", Role.Writer)], token.Grants);
    }
}
