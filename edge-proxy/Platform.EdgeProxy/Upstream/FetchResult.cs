using Platform.EdgeProxy.Caching;

namespace Platform.EdgeProxy.Upstream;

/// <summary>What a miss fetch brought back.</summary>
public enum FetchStatus
{
    /// <summary>The key exists, or does not (a negative entry): either way, something to cache.</summary>
    Known,

    /// <summary>An answer that is not about the key's value (no such namespace, a bad key...): relayed as is, never cached.</summary>
    Relayed,
}

/// <summary>A fetch's answer: a value to cache, or a problem answer to relay to every waiting client.</summary>
public sealed record FetchResult(FetchStatus Status, CachedValue? Value, string Region, int RelayStatus = 0, byte[]? RelayBody = null, string? RelayContentType = null);
