using BenchmarkDotNet.Attributes;

namespace Platform.Benchmarks.Consensus;

/// <summary>
/// Proposals committed per second by a 3-replica group in one thread, no I/O: the cost of the
/// consensus core itself. Each operation is one committed entry (applied on every replica);
/// batches of <see cref="BatchSize"/> proposals share each Ready, as the node's group commit does.
/// </summary>
[MemoryDiagnoser]
public class ConsensusThroughputBenchmark
{
    private const int EntriesPerInvocation = 1 << 16;
    private static readonly byte[] Payload = new byte[64];
    private InMemoryGroup group = null!;

    [Params(1, 16, 256, 4096)]
    public int BatchSize { get; set; }

    [Params(3)]
    public int Voters { get; set; }

    [GlobalSetup]
    public void Setup() => group = new InMemoryGroup(Voters);

    [Benchmark(OperationsPerInvoke = EntriesPerInvocation)]
    public long CommitEntries()
    {
        var leader = group.Leader!;
        for (var proposed = 0; proposed < EntriesPerInvocation; proposed += BatchSize)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                var result = leader.Propose(Payload);
                if (!result.IsAccepted)
                {
                    throw new InvalidOperationException($"proposal refused: {result.Outcome}");
                }
            }

            group.Pump();
        }

        group.Compact();
        return leader.CommitIndex;
    }
}
