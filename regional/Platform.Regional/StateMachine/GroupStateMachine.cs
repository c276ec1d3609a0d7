using System.Text;
using Platform.Consensus.Log;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>What applying one entry produced, handed to whoever proposed it.</summary>
/// <param name="Mvcc">The namespace's answer, for namespace commands.</param>
/// <param name="Problem">Why the command was refused (unknown namespace, bad bytes), for anything else.</param>
public sealed record GroupApplyOutcome(long Index, ApplyResult? Mvcc, string? Problem = null);

/// <summary>
/// The state machine of one regional group: the namespaces it holds, each an MVCC store. Entries
/// are applied in log order; no-ops and configuration entries only move the applied index.
/// </summary>
public sealed class GroupStateMachine
{
    private const uint SnapshotMagic = 0x54534750; // "PGST"
    private readonly SortedDictionary<string, NamespaceStore> namespaces = new(StringComparer.Ordinal);
    private readonly MvccLimits limits;

    public GroupStateMachine(MvccLimits? limits = null)
    {
        this.limits = limits ?? MvccLimits.Default;
    }

    public long AppliedIndex { get; private set; }

    public IReadOnlyCollection<string> Namespaces => namespaces.Keys;

    public NamespaceStore? Namespace(string name) => namespaces.GetValueOrDefault(name);

    public GroupApplyOutcome Apply(Entry entry)
    {
        if (entry.Index <= AppliedIndex)
        {
            return new GroupApplyOutcome(entry.Index, null, "already applied");
        }

        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvalidOperationException($"entry {entry.Index} applied after {AppliedIndex}: the state machine skipped entries");
        }

        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.IsEmpty)
        {
            return new GroupApplyOutcome(entry.Index, null);
        }

        GroupCommand command;
        try
        {
            command = GroupCommandCodec.Decode(entry.Data);
        }
        catch (InvalidDataException bad)
        {
            // Every replica refuses the same bytes the same way: deterministic, and nothing changes.
            return new GroupApplyOutcome(entry.Index, null, bad.Message);
        }

        return command switch
        {
            CreateNamespaceCommand create => Create(entry.Index, create.Namespace),
            DeleteNamespaceCommand delete => new GroupApplyOutcome(entry.Index, null, namespaces.Remove(delete.Namespace) ? null : $"namespace '{delete.Namespace}' does not exist"),
            NamespaceCommand scoped when namespaces.TryGetValue(scoped.Namespace, out var store) => new GroupApplyOutcome(entry.Index, store.Apply(entry.Index, scoped.Command)),
            NamespaceCommand scoped => new GroupApplyOutcome(entry.Index, null, $"namespace '{scoped.Namespace}' does not exist"),
            _ => new GroupApplyOutcome(entry.Index, null, $"unknown command {command.GetType().Name}"),
        };
    }

    private GroupApplyOutcome Create(long index, string name)
    {
        if (!namespaces.ContainsKey(name))
        {
            namespaces[name] = new NamespaceStore(name, limits);
        }

        return new GroupApplyOutcome(index, null);
    }

    public byte[] ToSnapshot()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(SnapshotMagic);
            writer.Write(AppliedIndex);
            writer.Write(namespaces.Count);
            foreach (var store in namespaces.Values)
            {
                var bytes = store.ToSnapshot();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    public static GroupStateMachine FromSnapshot(ReadOnlyMemory<byte> bytes, MvccLimits? limits = null)
    {
        var machine = new GroupStateMachine(limits);
        if (bytes.IsEmpty)
        {
            return machine;
        }

        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (reader.ReadUInt32() != SnapshotMagic)
        {
            throw new InvalidDataException("not a group state snapshot");
        }

        machine.AppliedIndex = reader.ReadInt64();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var store = NamespaceStore.FromSnapshot(reader.ReadBytes(reader.ReadInt32()), limits);
            machine.namespaces[store.Name] = store;
        }

        return machine;
    }
}
