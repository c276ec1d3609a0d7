using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>Namespace lifecycle rules the replicated state machine enforces itself, whatever the HTTP layer checked.</summary>
public sealed class NamespaceLifecycleTests
{
    private readonly GroupStateMachine machine = new();
    private long index;

    private GroupApplyOutcome Apply(GroupCommand command) => machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(command)));

    [Fact]
    public void A_namespace_deleted_and_created_again_never_reuses_a_revision()
    {
        Apply(new CreateNamespaceCommand("payments"));
        var before = Apply(new NamespaceCommand("payments", new PutCommand("a", "old"u8.ToArray(), "t"))).Write!.Revision;
        Apply(new DeleteNamespaceCommand("payments"));
        Apply(new CreateNamespaceCommand("payments"));
        var after = Apply(new NamespaceCommand("payments", new PutCommand("a", "new"u8.ToArray(), "t"))).Write!.Revision;

        Assert.True(after > before, $"revision {after} was handed out again (before the delete: {before})");
    }

    [Fact]
    public void Two_racing_creates_cannot_change_the_mode_of_a_namespace()
    {
        // Both PUT /v1/namespaces/payments saw no namespace at their barrier, so both proposed a create.
        Apply(new CreateNamespaceCommand("payments", new NamespaceSettings(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false)));
        var second = Apply(new CreateNamespaceCommand("payments", new NamespaceSettings(NamespaceMode.StrongGlobal, null, TimeSpan.FromSeconds(5), RpoPolicy.Alert, false)));

        Assert.True(second.Problem is not null || machine.State("payments")!.Settings.Mode == NamespaceMode.LocalCommit,
            $"the second create silently switched the namespace to {machine.State("payments")!.Settings.Mode}");
    }
}
