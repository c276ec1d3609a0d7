using System.Text;
using Platform.Regional.Catalog;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>The group's whole state as one snapshot: namespaces with settings and idempotency keys, and tokens.</summary>
public sealed partial class GroupStateMachine
{
    private const uint SnapshotMagic = 0x41534750; // "PGSA" (after PGS9): the group's ageing clock

    /// <summary>Divergent writes (pending, archived) and unacknowledged revisions; no ageing clock (it is the newest outcome's time).</summary>
    private const uint SnapshotMagicWithoutAgeingClock = 0x39534750; // "PGS9"

    /// <summary>Catalog entries record moves; no divergent writes.</summary>
    private const uint SnapshotMagicWithoutDivergent = 0x38534750; // "PGS8"

    /// <summary>Namespaces keep their fence; catalog entries have no moves.</summary>
    private const uint SnapshotMagicWithoutMoves = 0x37534750; // "PGS7"

    /// <summary>Idempotency entries keep their revision; no fences.</summary>
    private const uint SnapshotMagicWithoutFences = 0x36534750; // "PGS6"

    /// <summary>Namespaces say whether they are copies; idempotency entries have no revision.</summary>
    private const uint SnapshotMagicWithoutOutcomeRevisions = 0x35534750; // "PGS5"

    /// <summary>The format before copies: still read (every namespace in it was homed where it was).</summary>
    private const uint SnapshotMagicWithoutCopies = 0x34534750; // "PGS4"

    /// <summary>The format before the catalog: still read, so a node's older snapshots load.</summary>
    private const uint SnapshotMagicWithoutCatalog = 0x33534750; // "PGS3"

    public byte[] ToSnapshot()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(SnapshotMagic);
            writer.Write(AppliedIndex);
            writer.Write(AgeingClockMs);
            writer.Write(namespaces.Count);
            foreach (var state in namespaces.Values)
            {
                GroupCommandCodec.WriteSettings(writer, state.Settings);
                var bytes = state.Store.ToSnapshot();
                writer.Write(bytes.Length);
                writer.Write(bytes);
                state.Idempotency.Write(writer);
                writer.Write(state.IsCopy);
                writer.Write(state.FencedThrough);
                writer.Write(state.FencedAtVersion);
                DivergentWrite.WriteAll(writer, state.PendingDivergent);
                writer.Write(state.Unacknowledged.Count);
                foreach (var revision in state.Unacknowledged)
                {
                    writer.Write(revision);
                }
            }

            writer.Write(tokens.Count);
            foreach (var token in tokens.Values)
            {
                writer.Write(token.Name);
                writer.Write(token.Hash);
                GroupCommandCodec.WriteGrants(writer, token.Grants);
            }

            writer.Write(retiredEpochs.Count);
            foreach (var (name, epoch) in retiredEpochs)
            {
                writer.Write(name);
                writer.Write(epoch);
            }

            Catalog.Write(writer);
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
        var magic = reader.ReadUInt32();
        if (magic is not (SnapshotMagic or SnapshotMagicWithoutAgeingClock or SnapshotMagicWithoutDivergent or SnapshotMagicWithoutMoves or SnapshotMagicWithoutFences
            or SnapshotMagicWithoutOutcomeRevisions or SnapshotMagicWithoutCopies or SnapshotMagicWithoutCatalog))
        {
            throw new InvalidDataException("not a group state snapshot");
        }

        // Each format added to the one before it: what a snapshot holds follows from its magic.
        var ageingClock = magic == SnapshotMagic;
        var divergent = ageingClock || magic == SnapshotMagicWithoutAgeingClock;
        var moves = divergent || magic == SnapshotMagicWithoutDivergent;
        var fences = moves || magic == SnapshotMagicWithoutMoves;
        var outcomeRevisions = fences || magic == SnapshotMagicWithoutFences;
        var copies = outcomeRevisions || magic == SnapshotMagicWithoutOutcomeRevisions;
        machine.AppliedIndex = reader.ReadInt64();
        machine.AgeingClockMs = ageingClock ? reader.ReadInt64() : 0;
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var settings = GroupCommandCodec.ReadSettings(reader);
            var store = NamespaceStore.FromSnapshot(reader.ReadBytes(reader.ReadInt32()), limits);
            var idempotency = IdempotencyTable.Read(reader, withRevisions: outcomeRevisions);
            var isCopy = copies && reader.ReadBoolean();
            var state = new NamespaceState(settings, store, idempotency, isCopy)
            {
                FencedThrough = fences ? reader.ReadInt64() : -1,
            };
            if (divergent)
            {
                state.FencedAtVersion = reader.ReadInt64();
                state.PendingDivergent.AddRange(DivergentWrite.ReadAll(reader));
                var unacknowledged = reader.ReadInt32();
                for (var u = 0; u < unacknowledged; u++)
                {
                    state.Unacknowledged.Add(reader.ReadInt64());
                }
            }

            machine.namespaces[store.Name] = state;
            if (!ageingClock)
            {
                // Before the clock was kept, outcomes aged by the proposers' wall clocks: the clock
                // goes on from the newest of them, so none grows younger or older than it was.
                machine.AgeingClockMs = Math.Max(machine.AgeingClockMs, idempotency.NewestMs);
            }
        }

        var tokenCount = reader.ReadInt32();
        for (var i = 0; i < tokenCount; i++)
        {
            var name = reader.ReadString();
            machine.tokens[name] = new StoredToken(name, reader.ReadString(), GroupCommandCodec.ReadGrants(reader));
        }

        var retiredCount = reader.ReadInt32();
        for (var i = 0; i < retiredCount; i++)
        {
            machine.retiredEpochs[reader.ReadString()] = reader.ReadInt64();
        }

        if (magic != SnapshotMagicWithoutCatalog)
        {
            machine.Catalog = CatalogTable.Read(reader, withMoves: moves, withDivergent: divergent);
        }

        return machine;
    }
}
