using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Connection;

/// <summary>
/// Where a client command sends its requests and with which token: <c>--endpoint</c> (one address,
/// or several separated by commas, best first) and <c>--token</c>; else every node of
/// <c>./.platform/cluster.json</c> (what <c>platform up</c> wrote), the first region's first, and
/// its admin token. The client fails over along the list when an endpoint cannot be reached.
/// </summary>
public sealed record ClientTarget(IReadOnlyList<Uri> Endpoints, string? Token)
{
    public static string DefaultClusterFile => Path.Combine(Directory.GetCurrentDirectory(), ".platform", "cluster.json");

    /// <summary>The endpoint tried first.</summary>
    public Uri Endpoint => Endpoints[0];

    /// <summary>Resolves the target; on failure <paramref name="error"/> says what to pass instead (a usage error).</summary>
    public static bool TryResolve(string? endpoint, string? token, string clusterFilePath, out ClientTarget? target, out string? error)
    {
        target = null;
        error = null;
        ClusterFile? cluster = null;
        // The file is read only for what the command line did not give, so a damaged file does not
        // stand in the way of explicit --endpoint and --token.
        if ((endpoint is null || token is null) && File.Exists(clusterFilePath))
        {
            try
            {
                cluster = ClusterFile.Read(clusterFilePath);
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error = $"cannot read {clusterFilePath}: {e.Message}; pass --endpoint and --token";
                return false;
            }
        }

        // Nodes, not edges: a node's reads default to linearizable, which is what a person at a
        // command line expects to see after a write.
        var addresses = endpoint is not null
            ? endpoint.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. (cluster?.Regions ?? []).SelectMany(r => r.Nodes ?? []).Select(n => n.Http)];
        if (addresses.Length == 0)
        {
            error = endpoint is not null
                ? "--endpoint: no address given"
                : $"no --endpoint given and no node in {clusterFilePath} (start one with `platform up`, or pass --endpoint http://HOST:PORT)";
            return false;
        }

        var uris = new List<Uri>();
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                error = $"--endpoint: '{address}' is not an http:// or https:// address";
                return false;
            }

            uris.Add(uri);
        }

        target = new ClientTarget(uris, token ?? cluster?.AdminToken);
        return true;
    }
}
