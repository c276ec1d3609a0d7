using System.Text;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>
/// The bytes of a <see cref="GroupCommand"/> in a log entry. Every replica decodes the same bytes
/// to the same command, so the format is versioned and strict: unknown kinds are refused.
/// </summary>
public static class GroupCommandCodec
{
    /// <summary>
    /// Version 3 added the ageing stamp of namespace commands (their last 8 bytes, after the proposal
    /// time); version 2 added their epoch and the copy flag of creates. Versions 1 and 2 still decode:
    /// their proposal time was what aged idempotency keys then, so it stands in for the ageing stamp.
    /// </summary>
    private const byte FormatVersion = 3;
    private const byte FormatVersionWithoutAgeing = 2;
    private const byte FormatVersionWithoutEpochs = 1;

    private enum Kind : byte
    {
        Put = 1,
        Delete = 2,
        Txn = 3,
        Compact = 4,
        BeginEpoch = 5,
        CreateNamespace = 6,
        DeleteNamespace = 7,
        PutToken = 8,
        RevokeToken = 9,
        PutCatalogEntry = 10,
        DeleteCatalogEntry = 11,
        Replicate = 12,
        Truncate = 13,
        InstallNamespaceSnapshot = 14,
        FenceNamespace = 15,
        UnfenceNamespace = 16,
        PromoteCopy = 17,
        DemoteToCopy = 18,
        BeginMove = 19,
        EndMove = 20,
        ChangeMode = 21,
        ArchiveDivergent = 22,
        ForgetDivergent = 23,
        NoteUnacknowledged = 24,
        PutDrillReport = 25,
    }

    public static byte[] Encode(GroupCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            switch (command)
            {
                case CreateNamespaceCommand create:
                    writer.Write((byte)Kind.CreateNamespace);
                    writer.Write(create.Namespace);
                    WriteSettings(writer, create.Settings ?? NamespaceSettings.Default);
                    writer.Write(create.Epoch);
                    writer.Write(create.Copy);
                    break;
                case FenceNamespaceCommand fence:
                    writer.Write((byte)Kind.FenceNamespace);
                    writer.Write(fence.Namespace);
                    writer.Write(fence.Epoch);
                    writer.Write(fence.MoveVersion);
                    break;
                case UnfenceNamespaceCommand unfence:
                    writer.Write((byte)Kind.UnfenceNamespace);
                    writer.Write(unfence.Namespace);
                    writer.Write(unfence.Epoch);
                    break;
                case PromoteCopyCommand promote:
                    writer.Write((byte)Kind.PromoteCopy);
                    writer.Write(promote.Namespace);
                    WriteSettings(writer, promote.Settings);
                    writer.Write(promote.Epoch);
                    break;
                case DemoteToCopyCommand demote:
                    writer.Write((byte)Kind.DemoteToCopy);
                    writer.Write(demote.Namespace);
                    WriteSettings(writer, demote.Settings);
                    break;
                case BeginMoveCommand move:
                    writer.Write((byte)Kind.BeginMove);
                    writer.Write(move.Namespace);
                    writer.Write(move.Target);
                    writer.Write(move.ExpectedVersion);
                    writer.Write((byte)move.Kind);
                    break;
                case EndMoveCommand end:
                    writer.Write((byte)Kind.EndMove);
                    writer.Write(end.Namespace);
                    writer.Write(end.NewHome ?? string.Empty);
                    writer.Write(end.ForkRevision ?? -1);
                    writer.Write(end.ExpectedVersion);
                    break;
                case ChangeModeCommand change:
                    writer.Write((byte)Kind.ChangeMode);
                    writer.Write(change.Namespace);
                    WriteSettings(writer, change.Settings);
                    writer.Write(change.Group);
                    writer.Write(change.ExpectedVersion);
                    break;
                case ArchiveDivergentCommand archive:
                    writer.Write((byte)Kind.ArchiveDivergent);
                    writer.Write(archive.Namespace);
                    Catalog.DivergentWrite.WriteAll(writer, archive.Writes);
                    break;
                case ForgetDivergentCommand forget:
                    writer.Write((byte)Kind.ForgetDivergent);
                    writer.Write(forget.Namespace);
                    writer.Write(forget.Writes.Count);
                    foreach (var (revision, key) in forget.Writes)
                    {
                        writer.Write(revision);
                        writer.Write(key);
                    }

                    break;
                case PutDrillReportCommand drill:
                    writer.Write((byte)Kind.PutDrillReport);
                    writer.Write(drill.Id);
                    WriteBytes(writer, drill.Report);
                    break;
                case NoteUnacknowledgedCommand note:
                    writer.Write((byte)Kind.NoteUnacknowledged);
                    writer.Write(note.Namespace);
                    writer.Write(note.Revision);
                    break;
                case InstallNamespaceSnapshotCommand install:
                    writer.Write((byte)Kind.InstallNamespaceSnapshot);
                    writer.Write(install.Namespace);
                    WriteSettings(writer, install.Settings);
                    WriteBytes(writer, install.Snapshot);
                    writer.Write(install.Replace);
                    break;
                case PutCatalogEntryCommand entry:
                    writer.Write((byte)Kind.PutCatalogEntry);
                    writer.Write(entry.Namespace);
                    WriteSettings(writer, entry.Settings);
                    writer.Write(entry.Group);
                    writer.Write(entry.ExpectedVersion);
                    break;
                case DeleteCatalogEntryCommand entry:
                    writer.Write((byte)Kind.DeleteCatalogEntry);
                    writer.Write(entry.Namespace);
                    writer.Write(entry.ExpectedVersion);
                    break;
                case DeleteNamespaceCommand delete:
                    writer.Write((byte)Kind.DeleteNamespace);
                    writer.Write(delete.Namespace);
                    writer.Write(delete.Epoch);
                    break;
                case NamespaceCommand { Command: var inner } scoped:
                    WriteNamespaceCommand(writer, scoped.Namespace, inner, scoped.Outcomes);
                    writer.Write(scoped.Epoch ?? -1);
                    writer.Write(scoped.IdempotencyKey ?? string.Empty);
                    writer.Write(scoped.ProposedAtMs);
                    writer.Write(scoped.AgeingStampMs ?? -1);
                    break;
                case PutTokenCommand token:
                    writer.Write((byte)Kind.PutToken);
                    writer.Write(token.Name);
                    writer.Write(token.Hash);
                    WriteGrants(writer, token.Grants);
                    break;
                case RevokeTokenCommand revoke:
                    writer.Write((byte)Kind.RevokeToken);
                    writer.Write(revoke.Name);
                    break;
                default:
                    throw new ArgumentException($"unknown group command {command.GetType().Name}");
            }
        }

        return stream.ToArray();
    }

    private static void WriteNamespaceCommand(BinaryWriter writer, string name, MvccCommand command, IReadOnlyList<RememberedOutcome>? outcomes)
    {
        switch (command)
        {
            case PutCommand put:
                writer.Write((byte)Kind.Put);
                writer.Write(name);
                WritePut(writer, put.Key, put.Value, put.ContentType);
                WritePrecondition(writer, put.Precondition);
                break;
            case DeleteCommand delete:
                writer.Write((byte)Kind.Delete);
                writer.Write(name);
                writer.Write(delete.Key);
                WritePrecondition(writer, delete.Precondition);
                break;
            case TxnCommand txn:
                writer.Write((byte)Kind.Txn);
                writer.Write(name);
                writer.Write(txn.Compares.Count);
                foreach (var compare in txn.Compares)
                {
                    writer.Write(compare.Key);
                    writer.Write((byte)compare.Target);
                    writer.Write((byte)compare.Operator);
                    writer.Write(compare.Number);
                    WriteBytes(writer, compare.Bytes);
                }

                WriteOperations(writer, txn.Success);
                WriteOperations(writer, txn.Failure);
                break;
            case CompactCommand compact:
                writer.Write((byte)Kind.Compact);
                writer.Write(name);
                writer.Write(compact.Revision);
                break;
            case BeginEpochCommand epoch:
                writer.Write((byte)Kind.BeginEpoch);
                writer.Write(name);
                writer.Write(epoch.Epoch);
                break;
            case ReplicateCommand replicate:
                writer.Write((byte)Kind.Replicate);
                writer.Write(name);
                WriteReplicated(writer, replicate, outcomes ?? []);
                break;
            case TruncateCommand truncate:
                writer.Write((byte)Kind.Truncate);
                writer.Write(name);
                writer.Write(truncate.Revision);
                writer.Write(truncate.Expected ?? -1);
                break;
            default:
                throw new ArgumentException($"unknown namespace command {command.GetType().Name}");
        }
    }

    /// <summary>
    /// Writes the proposal time (the commit time kept with the revision) into an encoded namespace
    /// command and returns the bytes; other commands are returned unchanged. The leader stamps every
    /// proposal with its own wall clock, so the commit time never comes from whichever node took the
    /// HTTP request. Idempotency keys do not age by it (see <see cref="StampAgeingTime"/>).
    /// </summary>
    public static byte[] StampProposalTime(byte[] encoded, long unixMs)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!IsNamespaceCommand(encoded))
        {
            return encoded;
        }

        var fromEnd = encoded[0] == FormatVersion ? 2 * sizeof(long) : sizeof(long);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(encoded.AsSpan(encoded.Length - fromEnd), unixMs);
        return encoded;
    }

    /// <summary>
    /// Writes the ageing stamp (the group's ageing clock as the leader reads it, see
    /// <see cref="GroupStateMachine.AgeingClockMs"/>) into an encoded namespace command (its last 8
    /// bytes) and returns the bytes; other commands, and those of older formats, are returned unchanged.
    /// </summary>
    public static byte[] StampAgeingTime(byte[] encoded, long ageingMs)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentOutOfRangeException.ThrowIfNegative(ageingMs);
        if (!IsNamespaceCommand(encoded) || encoded[0] != FormatVersion)
        {
            return encoded;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(encoded.AsSpan(encoded.Length - sizeof(long)), ageingMs);
        return encoded;
    }

    /// <summary>Whether the bytes hold a namespace command, which ends with its stamps (two in this format, one before).</summary>
    private static bool IsNamespaceCommand(byte[] encoded) =>
        encoded.Length >= 2
        && (encoded[0] is FormatVersion or FormatVersionWithoutAgeing or FormatVersionWithoutEpochs)
        && ((Kind)encoded[1] is Kind.Put or Kind.Delete or Kind.Txn or Kind.Compact or Kind.BeginEpoch or Kind.Replicate or Kind.Truncate)
        && encoded.Length >= 2 + ((encoded[0] == FormatVersion ? 2 : 1) * sizeof(long));

    public static GroupCommand Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return DecodeStrict(bytes);
        }
        catch (EndOfStreamException cut)
        {
            throw new InvalidDataException("a group command is shorter than its contents say", cut);
        }
    }

    private static GroupCommand DecodeStrict(ReadOnlyMemory<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var version = reader.ReadByte();
        if (version is not (FormatVersion or FormatVersionWithoutAgeing or FormatVersionWithoutEpochs))
        {
            throw new InvalidDataException("unknown group command format");
        }

        var withEpochs = version != FormatVersionWithoutEpochs;
        var withAgeing = version == FormatVersion;
        var kind = (Kind)reader.ReadByte();
        var name = reader.ReadString();
        GroupCommand command = kind switch
        {
            Kind.CreateNamespace => new CreateNamespaceCommand(name, ReadSettings(reader), reader.ReadInt64(), withEpochs && reader.ReadBoolean()),
            Kind.FenceNamespace => new FenceNamespaceCommand(name, reader.ReadInt64(), stream.Position < stream.Length ? reader.ReadInt64() : -1),
            Kind.UnfenceNamespace => new UnfenceNamespaceCommand(name, reader.ReadInt64()),
            Kind.PromoteCopy => new PromoteCopyCommand(name, ReadSettings(reader), reader.ReadInt64()),
            Kind.DemoteToCopy => new DemoteToCopyCommand(name, ReadSettings(reader)),
            Kind.BeginMove => new BeginMoveCommand(name, reader.ReadString(), reader.ReadInt64(), stream.Position < stream.Length ? ReadMoveKind(reader) : Catalog.MoveKind.Planned),
            Kind.EndMove => ReadEndMove(reader, name),
            Kind.ArchiveDivergent => new ArchiveDivergentCommand(name, Catalog.DivergentWrite.ReadAll(reader)),
            Kind.ForgetDivergent => new ForgetDivergentCommand(name, ReadIdentities(reader)),
            Kind.PutDrillReport => new PutDrillReportCommand(name, ReadBytes(reader)),
            Kind.NoteUnacknowledged => new NoteUnacknowledgedCommand(name, reader.ReadInt64()),
            Kind.ChangeMode => new ChangeModeCommand(name, ReadSettings(reader), reader.ReadUInt64(), reader.ReadInt64()),
            Kind.InstallNamespaceSnapshot => new InstallNamespaceSnapshotCommand(name, ReadSettings(reader), ReadBytes(reader), reader.ReadBoolean()),
            Kind.PutCatalogEntry => new PutCatalogEntryCommand(name, ReadSettings(reader), reader.ReadUInt64(), reader.ReadInt64()),
            Kind.DeleteCatalogEntry => new DeleteCatalogEntryCommand(name, reader.ReadInt64()),
            Kind.DeleteNamespace => new DeleteNamespaceCommand(name, stream.Position < stream.Length ? reader.ReadInt64() : long.MaxValue),
            Kind.PutToken => new PutTokenCommand(name, reader.ReadString(), ReadGrants(reader)),
            Kind.RevokeToken => new RevokeTokenCommand(name),
            Kind.Put => Scoped(reader, withEpochs, withAgeing, name, ReadPut(reader)),
            Kind.Delete => Scoped(reader, withEpochs, withAgeing, name, new DeleteCommand(reader.ReadString(), ReadPrecondition(reader))),
            Kind.Txn => Scoped(reader, withEpochs, withAgeing, name, ReadTxn(reader)),
            Kind.Compact => Scoped(reader, withEpochs, withAgeing, name, new CompactCommand(reader.ReadInt64())),
            Kind.BeginEpoch => Scoped(reader, withEpochs, withAgeing, name, new BeginEpochCommand(reader.ReadInt64())),
            Kind.Replicate => ReadReplicated(reader, withEpochs, withAgeing, name),
            Kind.Truncate => Scoped(reader, withEpochs, withAgeing, name, ReadTruncate(reader)),
            _ => throw new InvalidDataException($"unknown group command kind {(byte)kind}"),
        };

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException("trailing bytes after a group command");
        }

        return command;
    }

    private static NamespaceCommand Scoped(BinaryReader reader, bool withEpoch, bool withAgeing, string name, MvccCommand command)
    {
        var epoch = withEpoch ? reader.ReadInt64() : -1;
        var idempotencyKey = reader.ReadString();
        var proposedAtMs = reader.ReadInt64();
        var ageingStampMs = withAgeing ? reader.ReadInt64() : proposedAtMs;
        return new NamespaceCommand(name, command, idempotencyKey.Length == 0 ? null : idempotencyKey, proposedAtMs, epoch < 0 ? null : epoch,
            AgeingStampMs: ageingStampMs < 0 ? null : ageingStampMs);
    }

    private static void WriteReplicated(BinaryWriter writer, ReplicateCommand replicate, IReadOnlyList<RememberedOutcome> outcomes)
    {
        writer.Write(replicate.After);
        writer.Write(replicate.Revisions.Count);
        foreach (var revision in replicate.Revisions)
        {
            writer.Write(revision.Revision);
            writer.Write(revision.CommittedAtMs);
            writer.Write(revision.Changes.Count);
            foreach (var change in revision.Changes)
            {
                var value = change.Current;
                writer.Write((byte)change.Kind);
                WritePut(writer, value.Key, value.Value, value.ContentType);
                writer.Write(value.CreateRevision);
                writer.Write(value.Version);
            }
        }

        writer.Write(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            writer.Write(outcome.Key);
            writer.Write(outcome.AtMs);
            writer.Write(outcome.AtRevision);
            IdempotencyTable.WriteOutcome(writer, outcome.Outcome);
        }
    }

    private static List<(long Revision, string Key)> ReadIdentities(BinaryReader reader)
    {
        var count = ReadCount(reader);
        var identities = new List<(long, string)>(count);
        for (var i = 0; i < count; i++)
        {
            identities.Add((reader.ReadInt64(), reader.ReadString()));
        }

        return identities;
    }

    private static EndMoveCommand ReadEndMove(BinaryReader reader, string name)
    {
        var home = reader.ReadString();
        var fork = reader.ReadInt64();
        return new EndMoveCommand(name, home.Length == 0 ? null : home, fork < 0 ? null : fork, reader.ReadInt64());
    }

    /// <summary>A move's kind; written after the version, so records made before kinds existed read as planned moves.</summary>
    private static Catalog.MoveKind ReadMoveKind(BinaryReader reader) =>
        reader.ReadByte() is var kind && Enum.IsDefined((Catalog.MoveKind)kind) ? (Catalog.MoveKind)kind : throw new InvalidDataException($"unknown move kind {kind}");

    private static TruncateCommand ReadTruncate(BinaryReader reader)
    {
        var revision = reader.ReadInt64();
        var expected = reader.ReadInt64();
        return new TruncateCommand(revision, expected < 0 ? null : expected);
    }

    private static NamespaceCommand ReadReplicated(BinaryReader reader, bool withEpochs, bool withAgeing, string name)
    {
        var replicate = ReadChanges(reader);
        var outcomes = new RememberedOutcome[ReadCount(reader)];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var key = reader.ReadString();
            var atMs = reader.ReadInt64();
            var atRevision = reader.ReadInt64();
            outcomes[i] = new RememberedOutcome(key, IdempotencyTable.ReadOutcome(reader), atMs, atRevision);
        }

        return Scoped(reader, withEpochs, withAgeing, name, replicate) with { Outcomes = outcomes };
    }

    private static ReplicateCommand ReadChanges(BinaryReader reader)
    {
        var after = reader.ReadInt64();
        var revisions = new ReplicatedRevision[ReadCount(reader)];
        for (var i = 0; i < revisions.Length; i++)
        {
            var revision = reader.ReadInt64();
            var committedAtMs = reader.ReadInt64();
            var changes = new ChangeEvent[ReadCount(reader)];
            for (var c = 0; c < changes.Length; c++)
            {
                var kind = (ChangeKind)reader.ReadByte();
                if (!Enum.IsDefined(kind))
                {
                    throw new InvalidDataException($"unknown change kind {(byte)kind}");
                }

                var key = reader.ReadString();
                var value = ReadBytes(reader);
                var contentType = reader.ReadString();
                changes[c] = new ChangeEvent(revision, kind, new KeyValue(key, value, contentType, reader.ReadInt64(), revision, reader.ReadInt64()));
            }

            revisions[i] = new ReplicatedRevision(revision, committedAtMs, changes);
        }

        return new ReplicateCommand(after, revisions);
    }

    internal static void WriteSettings(BinaryWriter writer, NamespaceSettings settings)
    {
        writer.Write((byte)settings.Mode);
        writer.Write(settings.HomeRegion ?? string.Empty);
        writer.Write(settings.Rpo.Ticks);
        writer.Write((byte)settings.RpoPolicy);
        writer.Write(settings.AutoFailover);
    }

    internal static NamespaceSettings ReadSettings(BinaryReader reader)
    {
        var mode = (NamespaceMode)reader.ReadByte();
        var home = reader.ReadString();
        var rpo = TimeSpan.FromTicks(reader.ReadInt64());
        var policy = (RpoPolicy)reader.ReadByte();
        return new NamespaceSettings(mode, home.Length == 0 ? null : home, rpo, policy, reader.ReadBoolean());
    }

    internal static void WriteGrants(BinaryWriter writer, IReadOnlyList<Grant> grants)
    {
        writer.Write(grants.Count);
        foreach (var grant in grants)
        {
            writer.Write(grant.Pattern);
            writer.Write((byte)grant.Role);
        }
    }

    internal static Grant[] ReadGrants(BinaryReader reader)
    {
        var grants = new Grant[ReadCount(reader)];
        for (var i = 0; i < grants.Length; i++)
        {
            var pattern = reader.ReadString();
            var role = (Role)reader.ReadByte();
            grants[i] = Enum.IsDefined(role) ? new Grant(pattern, role) : throw new InvalidDataException($"unknown role {(byte)role}");
        }

        return grants;
    }

    private static PutCommand ReadPut(BinaryReader reader)
    {
        var key = reader.ReadString();
        var value = ReadBytes(reader);
        var contentType = reader.ReadString();
        return new PutCommand(key, value, contentType, ReadPrecondition(reader));
    }

    private static TxnCommand ReadTxn(BinaryReader reader)
    {
        var compares = new TxnCompare[ReadCount(reader)];
        for (var i = 0; i < compares.Length; i++)
        {
            compares[i] = new TxnCompare(reader.ReadString(), (CompareTarget)reader.ReadByte(), (CompareOperator)reader.ReadByte(), reader.ReadInt64(), ReadBytes(reader));
        }

        return new TxnCommand(compares, ReadOperations(reader), ReadOperations(reader));
    }

    private static void WritePut(BinaryWriter writer, string key, ReadOnlyMemory<byte> value, string contentType)
    {
        writer.Write(key);
        WriteBytes(writer, value);
        writer.Write(contentType);
    }

    private static void WriteOperations(BinaryWriter writer, IReadOnlyList<TxnOperation> operations)
    {
        writer.Write(operations.Count);
        foreach (var operation in operations)
        {
            writer.Write(operation.IsDelete);
            WritePut(writer, operation.Key, operation.Value, operation.ContentType);
        }
    }

    private static TxnOperation[] ReadOperations(BinaryReader reader)
    {
        var operations = new TxnOperation[ReadCount(reader)];
        for (var i = 0; i < operations.Length; i++)
        {
            var isDelete = reader.ReadBoolean();
            var key = reader.ReadString();
            var value = ReadBytes(reader);
            operations[i] = new TxnOperation(key, isDelete, value, reader.ReadString());
        }

        return operations;
    }

    private static void WritePrecondition(BinaryWriter writer, Precondition precondition)
    {
        writer.Write(precondition.IfModRevision.HasValue);
        writer.Write(precondition.IfModRevision ?? 0);
        writer.Write(precondition.IfAbsent);
    }

    private static Precondition ReadPrecondition(BinaryReader reader)
    {
        var hasRevision = reader.ReadBoolean();
        var revision = reader.ReadInt64();
        return new Precondition(hasRevision ? revision : null, reader.ReadBoolean());
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlyMemory<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes.Span);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = ReadCount(reader);
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new InvalidDataException("a group command is shorter than its contents say");
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 ? count : throw new InvalidDataException($"negative count {count} in a group command");
    }
}
