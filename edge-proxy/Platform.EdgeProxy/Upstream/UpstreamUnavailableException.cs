namespace Platform.EdgeProxy.Upstream;

/// <summary>No node could answer (unreachable, timed out, or electing): the edge falls back to what it holds.</summary>
public sealed class UpstreamUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
