using System.Diagnostics;
using System.Runtime.InteropServices;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>`platform up` as a user runs it: child nodes, readiness, cluster.json, and a clean stop on SIGTERM.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(UpProcessTests))]
public sealed partial class UpProcessTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Up_starts_a_ready_region_writes_cluster_json_and_stops_every_child_on_sigterm()
    {
        var clusterPath = Path.Combine(dataDirectory, "cluster.json");
        string adminToken;
        using (var up = StartUp())
        {
            var output = up.StandardOutput.ReadToEndAsync(Cancel);
            try
            {
                var cluster = await WaitForClusterFileAsync(up, clusterPath);
                var nodes = Assert.Single(cluster.Regions).Nodes;
                Assert.Equal(["node-1", "node-2", "node-3"], nodes.Select(n => n.Name));
                using var http = new HttpClient();
                foreach (var node in nodes)
                {
                    var ready = await http.GetAsync(new Uri(new Uri(node.Http), "/readyz"), Cancel);
                    Assert.True(ready.IsSuccessStatusCode);
                    Assert.False(Process.GetProcessById(node.Pid).HasExited);
                    Assert.True(File.Exists(Path.Combine(dataDirectory, "r1", node.Name, "node.log")));
                }

                Assert.False(string.IsNullOrEmpty(cluster.AdminToken));
                adminToken = cluster.AdminToken!;
                ClientCommandsWork(nodes[1].Http, adminToken);

                // The region's edge proxy: in cluster.json, logging to <region>/edge/edge.log, and
                // serving the same client commands (reads from its cache).
                var edge = cluster.Regions[0].Edge;
                Assert.NotNull(edge);
                Assert.False(Process.GetProcessById(edge.Pid).HasExited);
                Assert.True(File.Exists(Path.Combine(dataDirectory, "r1", "edge", "edge.log")));
                var (edgeCode, edgeJson, edgeError) = CliRunner.Run("kv", "get", "payments", "limits/daily", "--output", "json", "--endpoint", edge.Http, "--token", adminToken);
                Assert.True(edgeCode == 0, edgeError);
                Assert.Equal("700", System.Text.Json.JsonDocument.Parse(edgeJson).RootElement.GetProperty("value").GetString());
                await EdgeReadsWithAReaderTokenAsync(edge.Pid, nodes[0].Http, adminToken);
                using (var h2 = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
                {
                    using var healthy = await h2.GetAsync(new Uri(new Uri(edge.Http2!), "/healthz"), Cancel);
                    Assert.Equal(System.Net.HttpVersion.Version20, healthy.Version);
                }

                Assert.Equal(0, Kill(up.Id, 15));
                await up.WaitForExitAsync(Cancel);
                Assert.Equal(0, up.ExitCode);
                var printed = await output;
                Assert.Contains("Every group has a leader", printed, StringComparison.Ordinal);
                // Redirected output (a log, a CI transcript) never holds the token: only where it is kept.
                Assert.DoesNotContain(adminToken, printed, StringComparison.Ordinal);
                Assert.Contains($"Admin token: in {clusterPath}", printed, StringComparison.Ordinal);
                Assert.True(HasExited(edge.Pid), $"the edge (pid {edge.Pid}) outlived up");
                Assert.DoesNotContain(adminToken, await File.ReadAllTextAsync(Path.Combine(dataDirectory, "r1", "edge", "edge.log"), Cancel), StringComparison.Ordinal);
                foreach (var node in nodes)
                {
                    Assert.True(HasExited(node.Pid), $"node {node.Name} (pid {node.Pid}) outlived up");
                    Assert.DoesNotContain(adminToken, await File.ReadAllTextAsync(Path.Combine(dataDirectory, "r1", node.Name, "node.log"), Cancel), StringComparison.Ordinal);
                }
            }
            finally
            {
                if (!up.HasExited)
                {
                    up.Kill(entireProcessTree: true);
                }
            }
        }

        // A second up over the same data directory keeps the token and every acknowledged write.
        File.Delete(clusterPath);
        File.WriteAllText(clusterPath, System.Text.Json.JsonSerializer.Serialize(new { adminToken, regions = Array.Empty<object>() }));
        using var again = StartUp();
        _ = again.StandardOutput.ReadToEndAsync(Cancel);
        try
        {
            var cluster = await WaitForClusterFileAsync(again, clusterPath, requireNodes: true);
            Assert.Equal(adminToken, cluster.AdminToken);
            var (code, json, error) = CliRunner.Run("kv", "get", "payments", "limits/daily", "--output", "json", "--endpoint", cluster.Regions[0].Nodes[2].Http, "--token", adminToken);
            Assert.True(code == 0, error);
            Assert.Equal("700", System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("value").GetString());
        }
        finally
        {
            Kill(again.Id, 15);
            if (!again.WaitForExit(20_000))
            {
                again.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// The token the edge was handed (read from its environment, as an attacker on the edge's
    /// machine could) reads every namespace and does nothing else.
    /// </summary>
    private static async Task EdgeReadsWithAReaderTokenAsync(int edgePid, string nodeUrl, string adminToken)
    {
        var environment = (await File.ReadAllTextAsync($"/proc/{edgePid}/environ", Cancel)).Split('\0');
        var token = environment.Single(v => v.StartsWith(ChildEdge.EdgeTokenVariable + "=", StringComparison.Ordinal))[(ChildEdge.EdgeTokenVariable.Length + 1)..];
        Assert.NotEqual(adminToken, token);
        using var asEdge = new HttpClient { BaseAddress = new Uri(nodeUrl) };
        asEdge.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var read = await asEdge.GetAsync(new Uri("/v1/ns/payments/kv/limits/daily", UriKind.Relative), Cancel);
        Assert.Equal(System.Net.HttpStatusCode.OK, read.StatusCode);
        using var write = await asEdge.PutAsync(new Uri("/v1/ns/payments/kv/limits/daily", UriKind.Relative), new StringContent("1"), Cancel);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, write.StatusCode);
        using var mint = await asEdge.PostAsync(new Uri("/v1/tokens", UriKind.Relative), new StringContent("""{"name":"mine","grants":[{"namespace":"*","role":"admin"}]}""", System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, mint.StatusCode);
        var status = System.Text.Json.JsonDocument.Parse(await asEdge.GetStringAsync(new Uri("/v1/status", UriKind.Relative), Cancel)).RootElement;
        Assert.Equal(0, status.GetProperty("groups").GetArrayLength());
    }

    [Fact]
    public async Task Up_with_azurite_clustering_starts_azurite_and_serves_writes()
    {
        var clusterPath = Path.Combine(dataDirectory, "cluster.json");
        using var up = StartUp("--clustering", "azurite");
        var output = up.StandardOutput.ReadToEndAsync(Cancel);
        try
        {
            var cluster = await WaitForClusterFileAsync(up, clusterPath);
            var endpoint = cluster.Regions[0].Nodes[0].Http;
            string[] Target(params string[] args) => [.. args, "--endpoint", endpoint, "--token", cluster.AdminToken!];
            Assert.Equal(0, CliRunner.Run(Target("ns", "create", "az", "--mode", "local-commit", "--home", "r1")).ExitCode);
            Assert.Equal(0, CliRunner.Run(Target("kv", "put", "az", "k", "v")).ExitCode);
            Assert.Equal("v", System.Text.Json.JsonDocument.Parse(CliRunner.Run(Target("kv", "get", "az", "k", "--output", "json")).Output).RootElement.GetProperty("value").GetString());

            Assert.Equal(0, Kill(up.Id, 15));
            await up.WaitForExitAsync(Cancel);
            var printed = await output;
            var azurite = System.Text.RegularExpressions.Regex.Match(printed, @"Azurite .* pid (\d+)");
            Assert.True(azurite.Success, printed);
            Assert.True(HasExited(int.Parse(azurite.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), "Azurite outlived up");
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
            }
        }
    }

    private Process StartUp(params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "platform.dll"), "up", "--regions", "r1", "--nodes", "3", "--base-port", "0", "--data-dir", dataDirectory }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        // Azurite is found from the working directory (the repository's tools/).
        start.WorkingDirectory = AppContext.BaseDirectory;
        start.Environment.Remove("PLATFORM_AZURE_TABLES");
        return Process.Start(start)!;
    }

    /// <summary>Waits (bounded) until up has written a cluster.json that lists the nodes.</summary>
    private static async Task<ClusterFile> WaitForClusterFileAsync(Process up, string clusterPath, bool requireNodes = true)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline && !up.HasExited)
        {
            if (File.Exists(clusterPath) && (!requireNodes || ClusterFile.Read(clusterPath).Regions.Count > 0))
            {
                return ClusterFile.Read(clusterPath);
            }

            await Task.Delay(200, Cancel);
        }

        Assert.Fail("up never wrote cluster.json");
        return null!;
    }

    /// <summary>The client commands against the running platform, with the exit codes of docs/api.md.</summary>
    private static void ClientCommandsWork(string endpoint, string token)
    {
        string[] Target(params string[] args) => [.. args, "--endpoint", endpoint, "--token", token];

        Assert.Equal(0, CliRunner.Run(Target("ns", "create", "payments", "--mode", "local-commit", "--home", "r1")).ExitCode);

        // --output json: the API's own shapes, alone on stdout.
        var (nsCode, nsJson, nsError) = CliRunner.Run(Target("ns", "get", "payments", "-o", "json"));
        Assert.True(nsCode == 0, nsError);
        Assert.Equal(("payments", "local-commit", "r1"), (
            System.Text.Json.JsonDocument.Parse(nsJson).RootElement.GetProperty("name").GetString(),
            System.Text.Json.JsonDocument.Parse(nsJson).RootElement.GetProperty("mode").GetString(),
            System.Text.Json.JsonDocument.Parse(nsJson).RootElement.GetProperty("homeRegion").GetString()));
        var (lsCode, lsJson, _) = CliRunner.Run(Target("ns", "ls", "--output", "json"));
        Assert.Equal(0, lsCode);
        Assert.Contains(System.Text.Json.JsonDocument.Parse(lsJson).RootElement.EnumerateArray(), n => n.GetProperty("name").GetString() == "payments");
        var (statusCode, statusJson, _) = CliRunner.Run(Target("status", "-o", "json"));
        Assert.Equal(0, statusCode);
        Assert.All(System.Text.Json.JsonDocument.Parse(statusJson).RootElement.GetProperty("groups").EnumerateArray(), g => Assert.False(string.IsNullOrEmpty(g.GetProperty("leader").GetString())));
        var (tokenCode, tokenJson, _) = CliRunner.Run(Target("token", "create", "reader-json", "--grant", "pay*=reader", "-o", "json"));
        Assert.Equal(0, tokenCode);
        Assert.StartsWith("pt_", System.Text.Json.JsonDocument.Parse(tokenJson).RootElement.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(Target("status", "-o", "yaml")).ExitCode);
        Assert.Equal(0, CliRunner.Run(Target("kv", "put", "payments", "limits/daily", "500")).ExitCode);
        var (code, json, error) = CliRunner.Run(Target("kv", "get", "payments", "limits/daily", "--output", "json"));
        Assert.True(code == 0, error);
        var envelope = System.Text.Json.JsonDocument.Parse(json).RootElement;
        Assert.Equal("500", envelope.GetProperty("value").GetString());
        Assert.Equal("limits/daily", envelope.GetProperty("key").GetString());
        var modRevision = envelope.GetProperty("modRevision").GetInt64();

        Assert.Equal(3, CliRunner.Run(Target("kv", "get", "payments", "absent")).ExitCode);
        Assert.Equal(4, CliRunner.Run(Target("kv", "put", "payments", "limits/daily", "600", "--if-revision", (modRevision + 7).ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);
        Assert.Equal(0, CliRunner.Run(Target("kv", "put", "payments", "limits/daily", "600", "--if-revision", modRevision.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);
        Assert.Contains("limits/daily", CliRunner.Run(Target("kv", "ls", "payments")).Output, StringComparison.Ordinal);
        Assert.Contains("500", CliRunner.Run(Target("kv", "history", "payments", "limits/daily")).Output, StringComparison.Ordinal);
        var status = CliRunner.Run(Target("status"));
        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Contains("payments", status.Output, StringComparison.Ordinal);
        Assert.Contains("payments", CliRunner.Run(Target("ns", "get", "payments")).Output, StringComparison.Ordinal);
        Assert.Equal(1, CliRunner.Run("kv", "get", "payments", "limits/daily", "--endpoint", endpoint, "--token", "pt_wrong").ExitCode);
        var minted = CliRunner.Run(Target("token", "create", "ci", "--grant", "pay*=reader"));
        Assert.True(minted.ExitCode == 0, minted.Error);
        Assert.Equal(0, CliRunner.Run("kv", "get", "payments", "limits/daily", "--endpoint", endpoint, "--token", minted.Output.Trim()).ExitCode);
        Assert.Equal(1, CliRunner.Run("kv", "put", "payments", "limits/daily", "1", "--endpoint", endpoint, "--token", minted.Output.Trim()).ExitCode);
        Assert.Equal(0, CliRunner.Run(Target("kv", "del", "payments", "limits/daily")).ExitCode);
        Assert.Equal(0, CliRunner.Run(Target("kv", "put", "payments", "limits/daily", "700")).ExitCode);
        RemainingCommandsSpeakJson(endpoint, token);
    }

    /// <summary>--output json of the other commands, parsed; failover along an endpoint list; a problem's hint.</summary>
    private static void RemainingCommandsSpeakJson(string endpoint, string token)
    {
        string[] Target(params string[] args) => [.. args, "--endpoint", endpoint, "--token", token];
        static System.Text.Json.JsonElement Json(string[] args)
        {
            var (code, output, error) = CliRunner.Run(args);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {error}");
            return System.Text.Json.JsonDocument.Parse(output).RootElement;
        }

        var put = Json(Target("kv", "put", "payments", "limits/weekly", "900", "-o", "json"));
        Assert.Equal(("payments", "limits/weekly", 1L), (put.GetProperty("namespace").GetString(), put.GetProperty("key").GetString(), put.GetProperty("version").GetInt64()));
        var listed = Json(Target("kv", "ls", "payments", "--prefix", "limits/", "-o", "json"));
        Assert.Equal(["limits/daily", "limits/weekly"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        Assert.Equal(["700", "900"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("value").GetString()));
        Assert.True(listed.GetProperty("revision").GetInt64() >= put.GetProperty("revision").GetInt64());
        var history = Json(Target("kv", "history", "payments", "limits/daily", "-o", "json"));
        Assert.Contains(history.GetProperty("items").EnumerateArray(), i => i.GetProperty("value").GetString() == "500");
        var deleted = Json(Target("kv", "del", "payments", "limits/weekly", "-o", "json"));
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.True(Json(Target("token", "revoke", "reader-json", "-o", "json")).GetProperty("revoked").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, Json(Target("drill", "ls", "-o", "json")).ValueKind);
        Assert.Equal(0, CliRunner.Run(Target("ns", "create", "scratch", "--mode", "local-commit", "--home", "r1")).ExitCode);
        Assert.True(Json(Target("ns", "rm", "scratch", "-o", "json")).GetProperty("removed").GetBoolean());

        // A dead endpoint first in the list: the command fails over to the next one.
        var dead = Commands.ClosedEndpoint.Options()[1];
        var failover = Json(["kv", "get", "payments", "limits/daily", "-o", "json", "--endpoint", $"{dead},{endpoint}", "--token", token]);
        Assert.Equal("700", failover.GetProperty("value").GetString());

        // A problem answer: its stable code first, then what to do about it.
        var (missingCode, _, missingError) = CliRunner.Run(Target("kv", "get", "nowhere", "k"));
        Assert.Equal(ExitCodes.NotFound, missingCode);
        Assert.StartsWith("NamespaceNotFound: ", missingError, StringComparison.Ordinal);
        Assert.Contains("hint: platform ns ls", missingError, StringComparison.Ordinal);
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Process collections run one at a time (docs/pitfalls.md, The build machine).</summary>
[CollectionDefinition(nameof(UpProcessTests), DisableParallelization = true)]
public sealed class UpProcessSuite;
