using Platform.LoadTests.Cluster;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// Scenario (e): <c>platform up</c> with 3 regions x 3 nodes: seconds from starting the command to
/// cluster.json (written once every group has a leader), then the resident memory of every node a
/// fixed delay later, once start-up work (JIT, leader moves) has mostly settled.
/// </summary>
public static class UpScenario
{
    public const string Regions = "eu-west,us-east,ap-south";
    public const int NodesPerRegion = 3;
    public static readonly TimeSpan MemoryDelay = TimeSpan.FromSeconds(5);
    private const double MiB = 1024 * 1024;

    public static string Command => $"platform up --regions {Regions} --nodes {NodesPerRegion} --base-port 0 --data-dir <fresh directory>";

    public static async Task<UpResult> RunAsync(HarnessOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nodeCount = Regions.Split(',').Length * NodesPerRegion;
        Console.WriteLine($"==> (e) {Command}");
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Regions, NodesPerRegion, options.DataRoot, cancellationToken);
            Console.WriteLine($"    ready after {up.ReadyAfter.TotalSeconds:F2} s; reading memory in {MemoryDelay.TotalSeconds:F0} s");
            await Task.Delay(MemoryDelay, cancellationToken);
            var perNode = up.Cluster.Regions
                .SelectMany(r => r.Nodes.Select(n => new NodeMemory(r.Name, n.Name, n.Pid, ProcessMemory.ResidentBytes(n.Pid) / MiB)))
                .ToList();
            var measured = perNode.Where(n => n.RssMiB is not null).Select(n => n.RssMiB!.Value).ToList();
            var gone = perNode.Count - measured.Count;
            var result = new UpResult(
                Command,
                perNode.Count,
                up.ReadyAfter.TotalSeconds,
                PlatformUpProcess.ReadyResolution.TotalSeconds,
                MemoryDelay.TotalSeconds,
                measured.Count > 0 ? measured.Average() : null,
                measured.Count > 0 ? measured.Max() : null,
                perNode,
                gone == 0 ? null : $"{gone} of {perNode.Count} node process(es) had exited {MemoryDelay.TotalSeconds:F0} s after ready; the memory figures cover the others only");
            Console.WriteLine($"    mean RSS {result.MeanRssMiB:F1} MiB, max {result.MaxRssMiB:F1} MiB");
            return result;
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException)
        {
            // The platform did not come up: that is the finding, and the report says so.
            Console.Error.WriteLine($"    (e) could not be measured: {problem.Message}");
            return new UpResult(Command, nodeCount, null, PlatformUpProcess.ReadyResolution.TotalSeconds, MemoryDelay.TotalSeconds, null, null, [], $"platform up did not become ready: {FirstLine(problem.Message)}");
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
