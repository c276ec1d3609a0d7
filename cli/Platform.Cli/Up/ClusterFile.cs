using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Cli.Up;

/// <summary>The shape of <c>&lt;data-dir&gt;/cluster.json</c> (docs/api.md, Files and cluster.json).</summary>
public sealed record ClusterFile(
    [property: JsonPropertyName("adminToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AdminToken,
    [property: JsonPropertyName("regions")] IReadOnlyList<ClusterFileRegion> Regions)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Write(string path)
    {
        // Owner-only: the file holds the admin token.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(JsonSerializer.Serialize(this, Json));
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static ClusterFile Read(string path) =>
        JsonSerializer.Deserialize<ClusterFile>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
}

public sealed record ClusterFileRegion(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("nodes")] IReadOnlyList<ClusterFileNode> Nodes,
    [property: JsonPropertyName("interRegion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InterRegion = null,
    [property: JsonPropertyName("edge"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClusterFileEdge? Edge = null);

/// <summary>A region's edge proxy: where it listens (HTTP/1.1; HTTP/2 with prior knowledge on <c>http2</c>) and its process.</summary>
public sealed record ClusterFileEdge(
    [property: JsonPropertyName("http")] string Http,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("http2"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Http2 = null);

public sealed record ClusterFileNode(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("http")] string Http,
    [property: JsonPropertyName("silo")] int Silo,
    [property: JsonPropertyName("gateway")] int Gateway,
    [property: JsonPropertyName("pid")] int Pid);
