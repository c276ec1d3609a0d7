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
    }
}
