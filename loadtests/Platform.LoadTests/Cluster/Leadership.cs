using System.Diagnostics;
using Platform.Client;

namespace Platform.LoadTests.Cluster;

/// <summary>Which node leads each consensus group (group id to leader name), as every node reports it.</summary>
public sealed record Leadership(IReadOnlyDictionary<long, string> Leaders, IReadOnlyDictionary<long, long> Terms)
{
    /// <summary>One line such as <c>0:node-1@1 1:node-2@2</c>: equal strings mean the same leaders in the same terms.</summary>
    public string Fingerprint => string.Join(' ', Leaders.OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Value}@{Terms[g.Key]}"));

    /// <summary>
    /// The leadership every node agrees on, or null while they disagree or a group has no leader.
    /// A node that cannot be asked counts as disagreeing.
    /// </summary>
    public static Task<Leadership?> ReadAsync(IReadOnlyList<PlatformClient> nodes, CancellationToken cancellationToken) =>
        ReadAsync(nodes, only: null, cancellationToken);

    /// <summary>
    /// The same, limited to the groups in <paramref name="only"/> (all of them when null): nodes of
    /// different regions share only the strong-global group, each region's own groups differ.
    /// </summary>
    public static async Task<Leadership?> ReadAsync(IReadOnlyList<PlatformClient> nodes, IReadOnlySet<long>? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        Leadership? agreed = null;
        foreach (var node in nodes)
        {
            Leadership seen;
            try
            {
                var status = await node.GetStatusAsync(cancellationToken);
                var groups = (status.Groups ?? []).Where(g => only is null || only.Contains(g.Id)).ToList();
                if (groups.Count == 0 || (only is not null && groups.Count != only.Count) || groups.Any(g => string.IsNullOrEmpty(g.Leader)))
                {
                    return null;
                }

                seen = new Leadership(groups.ToDictionary(g => g.Id, g => g.Leader!), groups.ToDictionary(g => g.Id, g => g.Term));
            }
            catch (Exception problem) when (problem is HttpRequestException or PlatformProblemException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            if (agreed is not null && agreed.Fingerprint != seen.Fingerprint)
            {
                return null;
            }

            agreed = seen;
        }

        return agreed;
    }

    /// <summary>
    /// Waits until the leadership has not changed for <paramref name="quiet"/>: `up` moves group leaders
    /// across nodes a few seconds after start, and a move during a measurement would be measured.
    /// Returns the last leadership seen and whether it was settled before <paramref name="bound"/> ran out.
    /// </summary>
    public static Task<(Leadership? Leadership, bool Settled)> WaitSettledAsync(
        IReadOnlyList<PlatformClient> nodes, TimeSpan quiet, TimeSpan bound, CancellationToken cancellationToken) =>
        WaitSettledAsync(nodes, only: null, quiet, bound, cancellationToken);

    /// <summary>The same, limited to the groups in <paramref name="only"/> (all of them when null).</summary>
    public static async Task<(Leadership? Leadership, bool Settled)> WaitSettledAsync(
        IReadOnlyList<PlatformClient> nodes, IReadOnlySet<long>? only, TimeSpan quiet, TimeSpan bound, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Leadership? last = null;
        var sameSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < bound)
        {
            var now = await ReadAsync(nodes, only, cancellationToken);
            if (now is null || last is null || now.Fingerprint != last.Fingerprint)
            {
                sameSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(sameSince) >= quiet)
            {
                return (now, true);
            }

            last = now ?? last;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return (last, false);
    }
}
