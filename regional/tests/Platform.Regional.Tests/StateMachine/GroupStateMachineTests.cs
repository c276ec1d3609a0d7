using Platform.Consensus.Log;
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
            new CreateNamespaceCommand("payments"),
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
        NamespaceCommand { Command: PutCommand put } scoped => $"{scoped.Namespace} put {put.Key} {Convert.ToHexString(put.Value.Span)} {put.ContentType} {put.Precondition}",
        NamespaceCommand { Command: TxnCommand txn } scoped => $"{scoped.Namespace} txn " +
            string.Join(';', txn.Compares.Select(c => $"{c.Key} {c.Target} {c.Operator} {c.Number} {Convert.ToHexString(c.Bytes.Span)}")) + "|" +
            string.Join(';', txn.Success.Concat(txn.Failure).Select(o => $"{o.Key} {o.IsDelete} {Convert.ToHexString(o.Value.Span)} {o.ContentType}")),
        _ => command.ToString(),
    };
}
