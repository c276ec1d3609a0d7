using System.Threading.RateLimiting;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Pipeline;

namespace Platform.EdgeProxy.Admission;

/// <summary>
/// Admission toward the region: at most <see cref="EdgeOptions.UpstreamConcurrency"/> requests in
/// flight, a bounded number waiting for a slot, and a token bucket per client token. Whatever does
/// not fit is refused at once with 429 and a jittered Retry-After instead of queuing without
/// limit; cache hits never pass here.
/// </summary>
public sealed class UpstreamGate : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly int queueLimit;
    private readonly PartitionedRateLimiter<string>? perToken;
    private readonly PartitionedRateLimiter<System.Net.IPAddress> unknownTokenChecks;
    private int waiting;

    public UpstreamGate(EdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        slots = new SemaphoreSlim(options.UpstreamConcurrency, options.UpstreamConcurrency);
        queueLimit = options.UpstreamQueue;
        if (options.TokenRate > 0)
        {
            var rate = options.TokenRate;
            var burst = Math.Max(options.TokenBurst, 1);
            perToken = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = Math.Max(1, rate / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }

        var checkBurst = Math.Max(options.UnknownTokenCheckBurst, 1);
        var checkRate = Math.Max(options.UnknownTokenChecksPerSecond, 1);
        unknownTokenChecks = PartitionedRateLimiter.Create<System.Net.IPAddress, System.Net.IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = checkBurst,
            TokensPerPeriod = Math.Max(1, checkRate / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>
    /// Admits a check of a token the edge does not know, made for a client at <paramref name="from"/>:
    /// a flood of random tokens from one address is refused here (429), before it reaches the region.
    /// </summary>
    public void AdmitUnknownTokenCheck(System.Net.IPAddress? from)
    {
        if (from is null)
        {
            return;
        }

        using var lease = unknownTokenChecks.AttemptAcquire(from);
        if (!lease.IsAcquired)
        {
            throw EdgeProblem.Overloaded($"too many checks of unknown tokens from {from}");
        }
    }

    public int InFlight => slots.CurrentCount;

    /// <summary>
    /// A slot toward the region for a request made on behalf of <paramref name="tokenName"/> (null
    /// for the edge's own token checks, which no client's rate covers); dispose it when done.
    /// </summary>
    public async ValueTask<IDisposable> EnterAsync(string? tokenName, CancellationToken cancellationToken)
    {
        if (perToken is not null && tokenName is not null)
        {
            using var lease = perToken.AttemptAcquire(tokenName);
            if (!lease.IsAcquired)
            {
                throw EdgeProblem.Overloaded($"token '{tokenName}' is over its rate toward the region");
            }
        }

        if (!slots.Wait(0, CancellationToken.None))
        {
            if (Interlocked.Increment(ref waiting) > queueLimit)
            {
                Interlocked.Decrement(ref waiting);
                throw EdgeProblem.Overloaded("the edge has as many requests toward the region as it allows");
            }

            try
            {
                if (!await slots.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken))
                {
                    throw EdgeProblem.Overloaded("no slot toward the region freed within 5 s");
                }
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }

        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }

    public void Dispose()
    {
        slots.Dispose();
        perToken?.Dispose();
        unknownTokenChecks.Dispose();
    }
}
