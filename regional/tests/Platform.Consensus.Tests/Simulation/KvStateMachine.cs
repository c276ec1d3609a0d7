using System.Text;
using System.Text.Json;
using Platform.Consensus.Log;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// The replicated state machine of the simulation: a map of registers with put and
/// compare-and-swap. It remembers each operation's result by id so the replica that accepted a
/// proposal can answer its client once the entry is applied.
/// </summary>
public sealed class KvStateMachine
{
    private Dictionary<string, string> values = new(StringComparer.Ordinal);
    private Dictionary<long, bool> results = [];

    public long AppliedIndex { get; private set; }

    public string? Get(string key) => values.GetValueOrDefault(key);

    public bool? ResultOf(long operationId) => results.TryGetValue(operationId, out var ok) ? ok : null;

    /// <summary>Applies one committed entry; returns the command it held, if any.</summary>
    public KvCommand? Apply(Entry entry)
    {
        Assert.True(entry.Index == AppliedIndex + 1, $"state machine: entry {entry.Index} applied after {AppliedIndex}");
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.IsEmpty)
        {
            return null;
        }

        var command = KvCommand.Decode(entry.Data.Span);
        var succeeded = command.Kind == KvCommandKind.Put || values.GetValueOrDefault(command.Key) == command.Expected;
        if (succeeded)
        {
            values[command.Key] = command.Value;
        }

        results[command.OperationId] = succeeded;
        return command;
    }

    public byte[] Snapshot() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new SnapshotImage(AppliedIndex, values, results)));

    public void Restore(Snapshot snapshot)
    {
        var image = JsonSerializer.Deserialize<SnapshotImage>(snapshot.Data.Span)!;
        Assert.Equal(snapshot.Metadata.Index, image.AppliedIndex);
        values = new Dictionary<string, string>(image.Values, StringComparer.Ordinal);
        results = new Dictionary<long, bool>(image.Results);
        AppliedIndex = image.AppliedIndex;
    }

    private sealed record SnapshotImage(long AppliedIndex, Dictionary<string, string> Values, Dictionary<long, bool> Results);
}
