using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Connection;

/// <summary>
/// Where a client command sends its requests and with which token: <c>--endpoint</c> and
/// <c>--token</c>, else the first node of the first region and the admin token of
/// <c>./.platform/cluster.json</c> (what <c>platform up</c> wrote).
/// </summary>
public sealed record ClientTarget(Uri Endpoint, string? Token)
{
    public static string DefaultClusterFile => Path.Combine(Directory.GetCurrentDirectory(), ".platform", "cluster.json");

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

        if (endpoint is null && cluster?.Regions is [var region, ..] && region.Nodes is [var node, ..])
        {
            endpoint = node.Http;
        }

        if (endpoint is null)
        {
            error = $"no --endpoint given and no node in {clusterFilePath} (start one with `platform up`, or pass --endpoint http://HOST:PORT)";
            return false;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--endpoint: '{endpoint}' is not an http:// or https:// address";
            return false;
        }

        target = new ClientTarget(uri, token ?? cluster?.AdminToken);
        return true;
    }
}
