namespace Platform.Client.Http;

/// <summary>
/// Exponential backoff with full jitter (a uniform wait between zero and the attempt's ceiling,
/// which doubles from the base up to the maximum), never shorter than what the server asked for in
/// <c>Retry-After</c>: a fleet refused together does not come back together, and a server that
/// said "not before" is believed.
/// </summary>
internal static class RetryDelays
{
    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public static TimeSpan Next(int retry, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
        var jittered = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
