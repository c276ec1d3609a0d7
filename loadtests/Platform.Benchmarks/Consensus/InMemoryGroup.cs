using Platform.Consensus;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;

namespace Platform.Benchmarks.Consensus;

/// <summary>
/// A group of replicas driven in one thread with no I/O: each Ready is "persisted" by acknowledging
/// it, its messages are stepped straight into their targets. What it measures is the core alone.
/// </summary>
public sealed class InMemoryGroup
{
    private readonly RaftNode[] replicas;
    private readonly Queue<Message> network = new();

    public InMemoryGroup(int voters)
    {
        var conf = new ConfState(Enumerable.Range(1, voters).Select(i => (ulong)i), []);
        replicas = new RaftNode[voters];
        for (var i = 0; i < voters; i++)
        {
            var options = new RaftOptions { Id = (ulong)(i + 1), MaxUncommittedEntries = 1 << 20 };
            replicas[i] = new RaftNode(options, RaftRestoreState.Bootstrap(conf), TimeSpan.Zero, new SeededRandomSource(i));
        }

        Now = TimeSpan.Zero;
        while (Leader is null)
        {
            Now += TimeSpan.FromMilliseconds(100);
            foreach (var replica in replicas)
            {
                replica.Tick(Now);
            }

            Pump();
        }
    }

    public TimeSpan Now { get; private set; }

    public RaftNode? Leader => replicas.FirstOrDefault(r => r.Role == Role.Leader);

    public long EntriesApplied { get; private set; }

    /// <summary>Works off every Ready and delivers every message until the group is quiet.</summary>
    public void Pump()
    {
        bool progressed;
        do
        {
            progressed = false;
            foreach (var replica in replicas)
            {
                while (replica.HasReady)
                {
                    var ready = replica.GetReady();
                    foreach (var message in ready.Messages)
                    {
                        network.Enqueue(message);
                    }

                    EntriesApplied += ready.CommittedEntries.Length;
                    replica.Advance(ready);
                    progressed = true;
                }
            }

            while (network.TryDequeue(out var message))
            {
                replicas[(int)message.To - 1].Step(message);
                progressed = true;
            }
        }
        while (progressed);
    }

    /// <summary>Snapshots and compacts every replica so the in-memory log stays small during long runs.</summary>
    public void Compact()
    {
        foreach (var replica in replicas)
        {
            replica.CreateSnapshot(replica.AppliedIndex, ReadOnlyMemory<byte>.Empty);
            replica.CompactLog(replica.AppliedIndex);
        }
    }
}
