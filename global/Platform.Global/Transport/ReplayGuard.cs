using System.Collections.Concurrent;

namespace Platform.Global.Transport;

/// <summary>
/// Remembers the signature of every inter-region request served for as long as a signature is
/// accepted at all (twice the clock skew allowed), so a captured request (a forwarded write, a
/// stop, a chaos command, a join, a Raft batch) cannot be sent again. Signatures are unique: each
/// request signs a fresh nonce.
/// </summary>
public sealed class ReplayGuard(TimeProvider clock)
{
    // Only genuine requests get here (the signature is checked first), so the set grows with the
    // deployment's own traffic: expired entries are dropped at most once every few seconds.
    private const int PurgeAbove = 10_000;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Remembered = RequestSignature.MaxSkew * 2;
    private readonly ConcurrentDictionary<string, long> seen = new(StringComparer.Ordinal);
    private long nextPurge;

    /// <summary>True the first time a signature is presented; false for a replay.</summary>
    public bool FirstUse(string signature)
    {
        var now = clock.GetTimestamp();
        var purgeAt = Interlocked.Read(ref nextPurge);
        if (seen.Count > PurgeAbove && now >= purgeAt
            && Interlocked.CompareExchange(ref nextPurge, now + Ticks(PurgeEvery), purgeAt) == purgeAt)
        {
            foreach (var (old, until) in seen)
            {
                if (until < now)
                {
                    seen.TryRemove(old, out _);
                }
            }
        }

        return seen.TryAdd(signature, now + Ticks(Remembered));
    }

    /// <summary>How many signatures are remembered now.</summary>
    public int Count => seen.Count;

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * clock.TimestampFrequency);
}
