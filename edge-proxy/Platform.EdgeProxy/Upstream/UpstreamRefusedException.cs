namespace Platform.EdgeProxy.Upstream;

/// <summary>The region answered, and refused the edge itself (its token): retrying cannot help.</summary>
public sealed class UpstreamRefusedException(string message) : Exception(message);
