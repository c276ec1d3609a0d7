using System.Diagnostics;
using System.Globalization;

namespace Platform.Cli.Up;

/// <summary>
/// The edge proxy of one region started by <c>platform up</c>: this program re-run as
/// <c>platform edge</c>, its output appended to <c>&lt;data-dir&gt;/&lt;region&gt;/edge/edge.log</c>.
/// It reads with the edges' own token (a reader of every namespace, nothing more), handed over in
/// the environment (never in the arguments, which any user of the machine can list).
/// </summary>
public sealed class ChildEdge(LocalRegion region, IReadOnlyList<LocalRegion> regions, string dataDirectory, string edgeToken) : IDisposable
{
    private Process? process;
    private ChildLog? log;

    public LocalRegion Region { get; } = region;

    public int Pid => process?.Id ?? 0;

    public string LogPath => Path.Combine(dataDirectory, Region.Name, "edge", "edge.log");

    public void Start(Action<ChildEdge> exited)
    {
        log = new ChildLog(LogPath);
        var (program, prefix) = ChildNode.SelfCommand();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var remote = regions.Where(r => r.Name != Region.Name).SelectMany(r => r.Nodes.Select(n => $"{r.Name}={n.HttpUrl}"));
        foreach (var argument in prefix.Concat(
        [
            "edge", "--region", Region.Name,
            "--port", Region.EdgePort.ToString(CultureInfo.InvariantCulture),
            "--http2-port", Region.EdgeHttp2Port.ToString(CultureInfo.InvariantCulture),
            "--nodes", string.Join(',', Region.Nodes.Select(n => n.HttpUrl)),
        ]).Concat(remote.Any() ? ["--remote", string.Join(',', remote)] : []))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[EdgeTokenVariable] = edgeToken;
        start.Environment.TryAdd(ChildNode.SpinLimitVariable, "0");
        process = log.Start(start, () => exited(this));
    }

    /// <summary>Where <c>platform edge</c> takes the token it reads with.</summary>
    public const string EdgeTokenVariable = "PLATFORM_EDGE_TOKEN";

    public void Stop(TimeSpan grace) => ChildNode.Stop(process, grace);

    public void Dispose()
    {
        process?.Dispose();
        log?.Dispose();
    }
}
