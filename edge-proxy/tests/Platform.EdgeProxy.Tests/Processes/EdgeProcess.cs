using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Cli.Up;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>
/// A real `platform edge` process in front of a test region, on free ports: HTTP/1.1 on
/// <see cref="Http"/> and HTTP/2 (prior knowledge) on <see cref="Http2"/>. In its own process, its
/// thousands of sockets do not count against the test's open-file limit.
/// </summary>
internal sealed class EdgeProcess : IDisposable
{
    private readonly Process process;
    private readonly Queue<string> output = new();

    private EdgeProcess(Process process, int port, int http2Port)
    {
        this.process = process;
        Http = new Uri($"http://127.0.0.1:{port}");
        Http2 = new Uri($"http://127.0.0.1:{http2Port}");
    }

    public Uri Http { get; }

    public Uri Http2 { get; }

    public int Pid => process.Id;

    public static async Task<EdgeProcess> StartAsync(string region, IEnumerable<Uri> nodes, string token, IEnumerable<string> extra, CancellationToken cancel)
    {
        var (port, http2Port) = (UpRunner.FreePort(), UpRunner.FreePort());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "platform.dll"), "edge", "--region", region,
            "--port", port.ToString(CultureInfo.InvariantCulture), "--http2-port", http2Port.ToString(CultureInfo.InvariantCulture),
            "--nodes", string.Join(',', nodes.Select(n => n.ToString().TrimEnd('/'))),
        }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[ChildEdge.EdgeTokenVariable] = token;
        start.Environment.Remove("ASPNETCORE_URLS");
        var edge = new EdgeProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start an edge"), port, http2Port);
        edge.process.OutputDataReceived += (_, line) => edge.Keep(line.Data);
        edge.process.ErrorDataReceived += (_, line) => edge.Keep(line.Data);
        edge.process.BeginOutputReadLine();
        edge.process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var answer = await probe.GetAsync(new Uri(edge.Http, "/healthz"), cancel);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return edge;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
            {
                // Busy machine.
            }

            if (edge.process.HasExited)
            {
                break;
            }

            await Task.Delay(100, cancel);
        }

        var tail = edge.OutputTail();
        edge.Dispose();
        throw new InvalidOperationException($"the edge did not start\n{tail}");
    }

    /// <summary>One counter or gauge of the edge's /metrics: the sample whose labels include <paramref name="label"/>.</summary>
    public async Task<long> MetricAsync(string name, string? label, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri(Http, "/metrics"), cancel);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && (label is null || line.Contains(label, StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                return (long)double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public Task<long> UpstreamAsync(string kind, CancellationToken cancel) => MetricAsync("platform_edge_upstream_requests_total", $"kind=\"{kind}\"", cancel);

    public Task<long> ReadsAsync(string outcome, CancellationToken cancel) => MetricAsync("platform_edge_requests_total", $"cache=\"{outcome}\"", cancel);

    public string OutputTail(int lines = 40)
    {
        lock (output)
        {
            return "--- last output of the edge ---\n" + string.Join('\n', output.TakeLast(lines));
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 200)
            {
                output.Dequeue();
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
