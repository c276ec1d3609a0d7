namespace Platform.Storage.Mvcc;

/// <summary>
/// Revisions per docs/api.md (Revisions): <c>epoch * 2^40 + sequence</c>. Within an epoch the sequence counts
/// committed changes from 1; a new epoch (a change of home region) starts a new range, so a
/// revision is never reused, not even for writes of a former home that did not survive a failover.
/// </summary>
public static class Revisions
{
    public const int SequenceBits = 40;
    public const long MaxSequence = (1L << SequenceBits) - 1;
    public const long MaxEpoch = (1L << (63 - SequenceBits)) - 1;

    public static long Compose(long epoch, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, MaxEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        return (epoch << SequenceBits) | sequence;
    }

    public static long Epoch(long revision) => revision >> SequenceBits;

    public static long Sequence(long revision) => revision & MaxSequence;
}
