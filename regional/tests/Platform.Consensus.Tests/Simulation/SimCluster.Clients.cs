using Platform.Testing.Linearizability;
using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>A client: one operation at a time, sent to the replica it believes leads.</summary>
public sealed class SimClient(int id)
{
    public int Id { get; } = id;

    public ulong LeaderGuess { get; set; }

    /// <summary>The last value this client saw per key, used as the expectation of its compare-and-swaps.</summary>
    public Dictionary<string, string?> LastSeen { get; } = [];
}

/// <summary>The clients' workload: puts, compare-and-swaps and reads (ReadIndex or lease) over a few keys.</summary>
public sealed partial class SimCluster
{
    private TimeSpan quietSwitchAt;
    private bool quietNow;

    private void IssueNext(SimClient client)
    {
        if (!faultsOn)
        {
            return;
        }

        var key = $"k{clientRandom.Between(0, options.Keys)}";
        var operationId = ++nextOperationId;
        var value = $"v{operationId}";
        var roll = clientRandom.NextDouble();
        var writeFraction = WriteFraction();
        var kind = roll >= writeFraction ? KvOperationKind.Get : roll < writeFraction * 0.6 ? KvOperationKind.Put : KvOperationKind.Cas;
        var expected = kind == KvOperationKind.Cas ? client.LastSeen.GetValueOrDefault(key) : null;
        var operation = History.Add(new RecordedOperation(client.Id, key, kind, kind == KvOperationKind.Get ? null : value, expected, Now.Ticks));
        var allowLease = clientRandom.Chance(0.5);

        if (client.LeaderGuess == ReplicaId.None || clientRandom.Chance(0.1))
        {
            client.LeaderGuess = clientRandom.Pick(nodes).Id;
        }

        var target = Node(client.LeaderGuess);
        operation.Closed = () =>
        {
            if (operation.Outcome is { } outcome && kind != KvOperationKind.Cas)
            {
                client.LastSeen[key] = kind == KvOperationKind.Get ? outcome.ReadValue : value;
            }
            else if (operation.Outcome is { CasSucceeded: true })
            {
                client.LastSeen[key] = value;
            }

            Schedule(clientRandom.Between(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(30)), () => IssueNext(client));
        };

        Schedule(options.ClientTimeout, operation.GiveUp);
        Schedule(clientRandom.Between(TimeSpan.Zero, options.MaxNetworkDelay), () =>
        {
            if (!target.IsUp)
            {
                operation.Fail();
                client.LeaderGuess = ReplicaId.None;
                return;
            }

            Input(target, raft => Submit(target, raft, client, operation, operationId, allowLease));
        });
    }

    /// <summary>
    /// 60% writes; with a quiet workload, alternating stretches of 0.3-1.2 s with no writes at all,
    /// so followers' logs catch up with the leader's and vote-worthy candidates can exist.
    /// </summary>
    private double WriteFraction()
    {
        if (!options.QuietStretches)
        {
            return 0.6;
        }

        if (Now >= quietSwitchAt)
        {
            quietNow = !quietNow;
            quietSwitchAt = Now + clientRandom.Between(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200));
        }

        return quietNow ? 0.0 : 0.6;
    }

    private void Submit(SimNode node, RaftNode raft, SimClient client, RecordedOperation operation, long operationId, bool allowLease)
    {
        if (!operation.IsOpen)
        {
            return;
        }

        if (operation.Kind == KvOperationKind.Get)
        {
            var requestId = ++nextReadId;
            OnReadRequested(requestId);
            var outcome = raft.ReadIndex(requestId, allowLease);
            if (outcome == ReadOutcome.Pending)
            {
                node.PendingReads[requestId] = (operation.Key, operation);
                return;
            }

            client.LeaderGuess = raft.Leader;
            operation.Fail();
            return;
        }

        var command = new KvCommand(operationId, operation.Kind == KvOperationKind.Put ? KvCommandKind.Put : KvCommandKind.Cas, operation.Key, operation.Value!, operation.Expected);
        var result = raft.Propose(command.Encode());
        if (result.IsAccepted)
        {
            node.PendingWrites[operationId] = (result.Index, operation);
            return;
        }

        client.LeaderGuess = result.LeaderHint;
        operation.Fail();
    }
}
