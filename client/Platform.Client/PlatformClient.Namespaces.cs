using System.Text.Json;
using Platform.Client.Http;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>The namespace catalog: <c>/v1/namespaces</c>.</summary>
public sealed partial class PlatformClient
{
    /// <summary>
    /// Creates or changes a namespace; returns once it is writable. A change of mode or home region is a
    /// switchover. Returns the namespace as the server answered it, or null when the answer had no body.
    /// </summary>
    public async Task<NamespaceInfo?> PutNamespaceAsync(string ns, NamespaceSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var request = WithJson(Request(HttpMethod.Put, PlatformRoutes.Namespace(ns)), spec, PlatformJsonContext.Default.NamespaceSpec);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return body.Length == 0 ? null : JsonSerializer.Deserialize(body, PlatformJsonContext.Default.NamespaceInfo);
    }

    public Task<NamespaceInfo> GetNamespaceAsync(string ns, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Namespace(ns)), PlatformJsonContext.Default.NamespaceInfo, cancellationToken);

    public async Task<IReadOnlyList<NamespaceInfo>> ListNamespacesAsync(CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, PlatformRoutes.Namespaces);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        using var document = await ReadDocumentAsync(response, cancellationToken);
        return ReadNamespaceList(document.RootElement);
    }

    public Task DeleteNamespaceAsync(string ns, CancellationToken cancellationToken = default) =>
        SendForNothingAsync(Request(HttpMethod.Delete, PlatformRoutes.Namespace(ns)), cancellationToken);

    /// <summary>Accepts <c>[namespace…]</c> or <c>{namespaces|items: [namespace…]}</c> (the contract leaves the shape open).</summary>
    internal static IReadOnlyList<NamespaceInfo> ReadNamespaceList(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in (ReadOnlySpan<string>)["namespaces", "items"])
            {
                if (root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    return items.Deserialize(PlatformJsonContext.Default.ListNamespaceInfo) ?? [];
                }
            }
        }

        return root.ValueKind == JsonValueKind.Array
            ? root.Deserialize(PlatformJsonContext.Default.ListNamespaceInfo) ?? []
            : throw new JsonException("the namespace catalog is neither an array nor an object with a namespaces array");
    }
}
