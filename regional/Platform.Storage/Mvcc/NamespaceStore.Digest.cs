using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Platform.Storage.Mvcc;

/// <summary>
/// The incremental digest: the XOR of one 64-bit hash per live key (of its name, revisions,
/// version, content type and value). A put or delete updates it in O(value) time, and the digest
/// after each revision is kept (with the revision's commit time at the home), so two regions can
/// compare their state at the same revision and the home can tell how old a copy's lag is.
/// </summary>
public sealed partial class NamespaceStore
{
    private readonly List<RevisionMark> digests = [];
    private ulong digest;

    /// <summary>
    /// When the home committed the first revision after <paramref name="revision"/> (Unix ms, the
    /// home leader's clock as stamped in the entry), or null when there is none: how long a copy at
    /// <paramref name="revision"/> has been missing something.
    /// </summary>
    public long? CommittedAtAfter(long revision)
    {
        var index = LastMarkAtOrBefore(revision) + 1;
        return index < digests.Count ? digests[index].CommittedAtMs : null;
    }

    /// <summary>How many revisions this store has after <paramref name="revision"/> (what a copy there lacks).</summary>
    public long RevisionsAfter(long revision) => digests.Count - 1 - LastMarkAtOrBefore(revision);

    /// <summary>The commit time of <paramref name="revision"/> itself, when kept.</summary>
    public long CommittedAt(long revision)
    {
        var index = LastMarkAtOrBefore(revision);
        return index >= 0 && digests[index].Revision == revision ? digests[index].CommittedAtMs : 0;
    }

    /// <summary>The digest of the state at <paramref name="revision"/> (default: current).</summary>
    public ulong DigestAt(long? revision = null)
    {
        var at = CheckReadable(revision);
        var found = LastMarkAtOrBefore(at);
        return found < 0 ? 0 : digests[found].Digest;
    }

    private int LastMarkAtOrBefore(long revision)
    {
        int low = 0, high = digests.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (digests[middle].Revision <= revision)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private void UpdateDigest(KeyValue? removed, KeyValue? added)
    {
        if (removed is not null)
        {
            digest ^= Contribution(removed);
        }

        if (added is not null)
        {
            digest ^= Contribution(added);
        }
    }

    private void RecordDigest(long revision, long committedAtMs) => digests.Add(new RevisionMark(revision, digest, committedAtMs));

    private void CompactDigests(long revision)
    {
        // Keep the digest in force at the compaction revision, and everything after it.
        var keepFrom = digests.FindLastIndex(d => d.Revision <= revision);
        if (keepFrom > 0)
        {
            digests.RemoveRange(0, keepFrom);
        }
    }

    private static ulong Contribution(KeyValue value)
    {
        // Lengths go in too, so ("ab", "c") and ("a", "bc") hash apart.
        var hash = new XxHash64();
        var key = Encoding.UTF8.GetBytes(value.Key);
        var contentType = Encoding.UTF8.GetBytes(value.ContentType);
        Span<byte> numbers = stackalloc byte[36];
        BinaryPrimitives.WriteInt64LittleEndian(numbers, value.CreateRevision);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[8..], value.ModRevision);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[16..], value.Version);
        BinaryPrimitives.WriteInt32LittleEndian(numbers[24..], key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(numbers[28..], contentType.Length);
        BinaryPrimitives.WriteInt32LittleEndian(numbers[32..], value.Value.Length);
        hash.Append(numbers);
        hash.Append(key);
        hash.Append(contentType);
        hash.Append(value.Value.Span);
        return hash.GetCurrentHashAsUInt64();
    }
}

/// <summary>The state after one revision: its digest and when the home committed it (Unix ms; 0 when unknown).</summary>
internal readonly record struct RevisionMark(long Revision, ulong Digest, long CommittedAtMs);
