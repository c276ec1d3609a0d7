using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// What the harness reads of <c>&lt;data-dir&gt;/cluster.json</c> (docs/api.md, Files and cluster.json). Its own copy
/// of the shape rather than the CLI's: the harness treats <c>platform</c> as a black box, as a user would.
/// </summary>
public sealed record ClusterInfo(string AdminToken, IReadOnlyList<ClusterRegion> Regions)
{
    public IEnumerable<ClusterNode> Nodes => Regions.SelectMany(r => r.Nodes);

    public static ClusterInfo Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), ClusterJsonContext.Default.ClusterInfo)
        ?? throw new InvalidDataException($"{path} holds no cluster");
}

/// <param name="Edge">The region's edge proxy, which <c>platform up</c> starts beside its nodes; null in a file written before edges existed.</param>
public sealed record ClusterRegion(string Name, IReadOnlyList<ClusterNode> Nodes, ClusterEdge? Edge = null);

public sealed record ClusterNode(string Name, string Http, int Pid)
{
    public Uri Endpoint => new(Http);
}

/// <summary>One region's edge proxy: its own process, serving the same HTTP API as the nodes.</summary>
public sealed record ClusterEdge(string Http, int Pid)
{
    public Uri Endpoint => new(Http);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClusterInfo))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
