namespace Platform.EdgeProxy.Upstream;

/// <summary>The region answered, and refused the edge itself (its token): retrying cannot help.</summary>
public sealed class UpstreamRefusedException(string message) : Exception(message);

/// <summary>The region answered 429: it is up, and asks this edge to slow down.</summary>
public sealed class UpstreamOverloadedException(string message) : Exception(message);
