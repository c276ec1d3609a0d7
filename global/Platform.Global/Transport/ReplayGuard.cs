using System.Collections.Concurrent;

namespace Platform.Global.Transport;

/// <summary>
/// Remembers the signatures of inter-region requests that act on data (forwarded client requests,
/// forwarded proposals) for as long as a signature is accepted at all (twice the clock skew
/// allowed), so a captured request cannot be sent again to write twice. Raft batches are not
/// guarded: a replayed batch is one Raft already copes with.
/// </summary>
public sealed class ReplayGuard(TimeProvider clock)
{
    private const int PurgeAbove = 100_000;
    private static readonly TimeSpan Remembered = RequestSignature.MaxSkew * 2;
    private readonly ConcurrentDictionary<string, long> seen = new(StringComparer.Ordinal);

    /// <summary>True the first time a signature is presented; false for a replay.</summary>
    public bool FirstUse(string signature)
    {
        var now = clock.GetTimestamp();
        if (seen.Count > PurgeAbove)
        {
            foreach (var (old, until) in seen)
            {
                if (until < now)
                {
                    seen.TryRemove(old, out _);
                }
            }
        }

        return seen.TryAdd(signature, now + (long)(Remembered.TotalSeconds * clock.TimestampFrequency));
    }

    /// <summary>Paths whose requests act on data: each may be used once.</summary>
    public static bool Guards(string path) =>
        path.StartsWith(InterRegionEndpoint.Prefix + "/forward", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith(InterRegionEndpoint.Prefix + "/accept/", StringComparison.OrdinalIgnoreCase);
}
