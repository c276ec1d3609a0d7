namespace Platform.Client.Http;

/// <summary>
/// The endpoints a client may use, best first. It sends to the best one that has not failed within
/// the cooldown; when every one has, to the one that failed longest ago. So a client moves to the
/// next region's endpoint when its own stops answering, and back once the cooldown has passed.
/// Thread-safe.
/// </summary>
internal sealed class EndpointRing
{
    private readonly Uri[] endpoints;
    private readonly long[] failedAt;
    private readonly TimeProvider clock;
    private readonly long cooldownTicks;

    public EndpointRing(IReadOnlyList<Uri> endpoints, TimeSpan cooldown, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("a client needs at least one endpoint", nameof(endpoints));
        }

        foreach (var endpoint in endpoints)
        {
            if (!endpoint.IsAbsoluteUri)
            {
                throw new ArgumentException($"'{endpoint}' is not an absolute URI such as http://127.0.0.1:7101", nameof(endpoints));
            }
        }

        this.endpoints = [.. endpoints];
        failedAt = new long[this.endpoints.Length];
        Array.Fill(failedAt, long.MinValue);
        this.clock = clock;
        cooldownTicks = (long)(cooldown.TotalSeconds * clock.TimestampFrequency);
    }

    public IReadOnlyList<Uri> All => endpoints;

    public Uri Current
    {
        get
        {
            var now = clock.GetTimestamp();
            var oldest = 0;
            for (var i = 0; i < endpoints.Length; i++)
            {
                var failed = Interlocked.Read(ref failedAt[i]);
                if (failed == long.MinValue || now - failed >= cooldownTicks)
                {
                    return endpoints[i];
                }

                if (failed < Interlocked.Read(ref failedAt[oldest]))
                {
                    oldest = i;
                }
            }

            return endpoints[oldest];
        }
    }

    /// <summary>The endpoint could not be reached or could not serve: the next one is tried first until the cooldown passes.</summary>
    public void Failed(Uri endpoint)
    {
        var index = Array.IndexOf(endpoints, endpoint);
        if (index >= 0)
        {
            Interlocked.Exchange(ref failedAt[index], clock.GetTimestamp());
        }
    }
}
