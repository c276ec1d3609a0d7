using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.Replicas;

/// <summary>
/// A wiped node rejoins under a new id: added as a learner while its previous incarnation still
/// holds its seat among the voters, caught up, and only then put in that seat.
/// </summary>
public sealed class ReplicaCoreJoiningTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wiped_node_catches_up_as_a_learner_before_its_old_incarnation_leaves_the_voters()
    {
        await using var region = new DirectRegion();
        var leader = await region.LeaderAsync(Bound);
        Assert.Equal(ProposeStatus.Applied, (await leader.ProposeAsync(GroupCommandCodec.Encode(new CreateNamespaceCommand("rejoin")))).Status);
        Assert.True((await leader.ProposeAsync(Put("before", "1"))).Succeeded);

        var oldIncarnation = region.ReplicaIdOf("node-3");
        var newIncarnation = region.StopAndWipe("node-3");
        Assert.NotEqual(oldIncarnation, newIncarnation);

        // The new incarnation asks to be added, once a second, but is slow to catch up (here it
        // does not run yet). Five asks are more than any order of changes needs to run its course.
        // An ask that reaches a leader handing over to its preferred node does not count.
        for (var asked = 0; asked < 5;)
        {
            if ((await region.LeaderAsync(Bound)).RequestJoin(newIncarnation).Status != JoinStatus.NotLeader)
            {
                asked++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(400), Cancel);
        }

        var catchingUp = (await region.LeaderAsync(Bound)).Status().Members;
        var voters = catchingUp.Where(m => m.Role != "learner").Select(m => m.Replica).Order().ToList();
        Assert.True(
            voters.Count == 3 && voters.Contains(oldIncarnation) && catchingUp.Any(m => m.Replica == newIncarnation && m.Role == "learner"),
            $"while the new incarnation {newIncarnation} catches up, the group should keep its 3 voters (with the old incarnation {oldIncarnation}) and hold the new one as a learner; members are {Describe(catchingUp)}");

        // Once it runs and catches up, it takes the seat: the old incarnation is gone and the group
        // has its three voters again, one per node, and commits with the new one.
        region.Start("node-3");
        var settled = await EventuallyAsync(async () =>
        {
            var members = (await region.LeaderAsync(Bound)).Status().Members;
            return members.Count == 3 && members.All(m => m.Role != "learner") && members.Any(m => m.Replica == newIncarnation) ? members : null;
        });
        Assert.DoesNotContain(settled, m => m.Replica == oldIncarnation);

        // Asked again while the group hands leadership to its preferred node (the one it just
        // seated may be it): a proposal to a leader that steps down is not applied, and a client retries.
        var put = await EventuallyAsync(async () =>
        {
            var reply = await (await region.LeaderAsync(Bound)).ProposeAsync(Put("after", "2"));
            return reply.Status == ProposeStatus.Applied ? reply : null;
        });
        Assert.True(put.Succeeded, $"the put after the rejoin was applied and refused: {put.Problem}");
        var copied = await EventuallyAsync(() => Task.FromResult(region.Replica("node-3").ReadLocal("rejoin", "after")));
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(copied));
        Assert.NotNull(region.Replica("node-3").ReadLocal("rejoin", "before"));
    }

    private static byte[] Put(string key, string value) =>
        GroupCommandCodec.Encode(new NamespaceCommand("rejoin", new PutCommand(key, System.Text.Encoding.UTF8.GetBytes(value), "text/plain")));

    private static string Describe(IEnumerable<MemberStatus> members) =>
        string.Join(", ", members.Select(m => $"{m.Replica} ({m.Node}, {m.Role})"));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, Cancel);
        }

        throw new TimeoutException($"the condition did not hold within {Bound}");
    }
}
