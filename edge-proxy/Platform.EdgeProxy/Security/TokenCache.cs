using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Pipeline;
using Platform.EdgeProxy.Upstream;

namespace Platform.EdgeProxy.Security;

/// <summary>
/// Client tokens as the region last described them. A check younger than
/// <see cref="EdgeOptions.TokenRefreshAfter"/> is used as is; an older one is used while a
/// background refresh runs; one older than <see cref="EdgeOptions.TokenMaxStaleness"/> is not
/// used at all, even while the region is down: fail static never extends a permission. Tokens
/// that open watches hold are refreshed on their own, and each refresh wakes those watches so
/// they check their grants again.
/// </summary>
public sealed class TokenCache(UpstreamClient upstream, UpstreamGate gate, EdgeOptions options) : BackgroundService
{
    private const int MaxTokens = 100_000;
    private static readonly long UnknownForMs = 1000;
    private readonly ConcurrentDictionary<string, TokenState> tokens = new(StringComparer.Ordinal);

    /// <summary>One token's last check and the watches that depend on it.</summary>
    public sealed class TokenState
    {
        private int watches;
        private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EdgeCaller? Caller { get; set; }

        /// <summary>When the region last confirmed it (monotonic ms); long.MinValue before the first answer.</summary>
        public long ConfirmedAt { get; set; } = NeverConfirmed;

        public const long NeverConfirmed = long.MinValue / 2;

        public Task? Refreshing { get; set; }

        /// <summary>The last check was refused by the region as one too many (429), not left unanswered.</summary>
        public bool LastCheckOverloaded { get; set; }

        /// <summary>Open watches that depend on this token.</summary>
        public int Watches => Volatile.Read(ref watches);

        /// <summary>Counts a watch that holds the token; answers how many hold it now.</summary>
        public int WatchOpened() => Interlocked.Increment(ref watches);

        public void WatchClosed() => Interlocked.Decrement(ref watches);

        /// <summary>
        /// Completes when a check changed what the token may do (revoked, other grants) or its last
        /// check went past the staleness bound: its watches look again. A refresh that changes
        /// nothing wakes nobody (10,000 watches may share a fleet's token).
        /// </summary>
        public Task Changed => Volatile.Read(ref changed).Task;

        public void Signal() =>
            Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// The token's caller, or a refusal: 401 when the region does not know it, 503 when it cannot
    /// be checked and the last check is too old (or there was none).
    /// </summary>
    public async ValueTask<(EdgeCaller Caller, TokenState State)> ResolveAsync(string token, CancellationToken cancellationToken, System.Net.IPAddress? from = null)
    {
        var state = tokens.GetOrAdd(token, static _ => new TokenState());
        var age = Environment.TickCount64 - state.ConfirmedAt;
        if (age > (state.Caller is null ? UnknownForMs : (long)options.TokenMaxStaleness.TotalMilliseconds))
        {
            await RefreshAsync(token, state, cancellationToken, unknownFrom: state.Caller is null ? from : null);
            age = Environment.TickCount64 - state.ConfirmedAt;
            if (age > (long)options.TokenMaxStaleness.TotalMilliseconds)
            {
                throw state.LastCheckOverloaded
                    ? EdgeProblem.Overloaded("the region refuses more checks of unknown tokens right now")
                    : EdgeProblem.Unavailable("the region cannot confirm the token right now");
            }
        }
        else if (state.Caller is not null && age > (long)options.TokenRefreshAfter.TotalMilliseconds)
        {
            _ = RefreshAsync(token, state, CancellationToken.None);
        }

        return state.Caller is { } caller ? (caller, state) : throw EdgeProblem.Unauthorized("the token is not known or was revoked");
    }

    /// <summary>
    /// The hit path's lookup: a known token whose last check may still be used, found by a span
    /// of the header (no string made); a check past its refresh age is refreshed in the background.
    /// False sends the request to <see cref="ResolveAsync"/>.
    /// </summary>
    public bool TryResolveKnown(ReadOnlySpan<char> token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenState? state)
    {
        if (!tokens.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var key, out state) || state.Caller is null)
        {
            return false;
        }

        var age = Environment.TickCount64 - state.ConfirmedAt;
        if (age > (long)options.TokenMaxStaleness.TotalMilliseconds)
        {
            return false;
        }

        if (age > (long)options.TokenRefreshAfter.TotalMilliseconds)
        {
            _ = RefreshAsync(key, state, CancellationToken.None);
        }

        return true;
    }

    /// <summary>True while the token's last check is usable and lets it read <paramref name="ns"/>.</summary>
    public bool StillMayRead(TokenState state, string ns)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Caller is { } caller && caller.MayRead(ns) && Environment.TickCount64 - state.ConfirmedAt <= (long)options.TokenMaxStaleness.TotalMilliseconds;
    }

    /// <summary>
    /// One check at a time per token: a herd with one token costs one auth request. A check of a
    /// token not known to work is paid for by the address of the request that starts it (requests
    /// that join a check in flight cost the region nothing); a refused first check takes the token
    /// out of the table again, so a flood of random tokens leaves nothing behind.
    /// </summary>
    private Task RefreshAsync(string token, TokenState state, CancellationToken cancellationToken, System.Net.IPAddress? unknownFrom = null)
    {
        Task refresh;
        lock (state)
        {
            if (state.Refreshing is null && unknownFrom is not null)
            {
                try
                {
                    gate.AdmitUnknownTokenCheck(unknownFrom);
                }
                catch (EdgeProblem) when (state.Caller is null && state.ConfirmedAt == TokenState.NeverConfirmed)
                {
                    tokens.TryRemove(new KeyValuePair<string, TokenState>(token, state));
                    throw;
                }
            }

            refresh = state.Refreshing ??= CheckAsync(token, state);
        }

        return refresh.WaitAsync(cancellationToken);
    }

    private async Task CheckAsync(string token, TokenState state)
    {
        await Task.Yield();
        var changedGrants = false;
        try
        {
            // A token check is a request toward the region like any other: a flood of unknown
            // tokens waits for (or is refused) a slot rather than reaching the region unbounded.
            EdgeCaller? caller;
            using (await gate.EnterAsync(null, CancellationToken.None))
            {
                caller = await upstream.WhoIsAsync(token, CancellationToken.None);
            }

            changedGrants = !SameGrants(state.Caller, caller);

            state.Caller = caller;
            state.ConfirmedAt = Environment.TickCount64;
            state.LastCheckOverloaded = false;
            if (tokens.Count > MaxTokens)
            {
                Trim();
            }
        }
        catch (UpstreamOverloadedException)
        {
            state.LastCheckOverloaded = true;
        }
        catch (Exception unanswered) when (unanswered is UpstreamUnavailableException or EdgeProblem)
        {
            // Unreachable, or no slot toward the region: keep the last answer; its age decides
            // whether it may still be used.
        }
        finally
        {
            lock (state)
            {
                state.Refreshing = null;
            }

            if (changedGrants)
            {
                state.Signal();
            }
        }
    }

    private static bool SameGrants(EdgeCaller? a, EdgeCaller? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.Name == b.Name && a.Grants.SequenceEqual(b.Grants));

    /// <summary>Keeps the table bounded: tokens with no watch and no recent use go first.</summary>
    private void Trim()
    {
        foreach (var (token, state) in tokens)
        {
            if (state.Watches == 0 && tokens.Count > MaxTokens / 2)
            {
                tokens.TryRemove(token, out _);
            }
        }
    }

    /// <summary>Refreshes the tokens that open watches hold, and wakes watches whose check went stale.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var refreshMs = (long)options.TokenRefreshAfter.TotalMilliseconds;
        var staleMs = (long)options.TokenMaxStaleness.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var (token, state) in tokens)
            {
                if (state.Watches == 0)
                {
                    continue;
                }

                var age = Environment.TickCount64 - state.ConfirmedAt;
                if (age > refreshMs)
                {
                    _ = RefreshAsync(token, state, CancellationToken.None);
                }

                // Past the bound (once, as it crosses it): its watches end unless a check comes back.
                if (age > staleMs && age - 1000 <= staleMs)
                {
                    state.Signal();
                }
            }
        }
    }
}
