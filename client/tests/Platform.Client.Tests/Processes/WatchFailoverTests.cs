using System.Diagnostics;
using System.Text;
using Platform.Cli.Tests.Processes;
using Platform.Client.Models;

namespace Platform.Client.Tests.Processes;

/// <summary>
/// A client with three endpoints (the nodes of a real `platform up` region) watches a namespace
/// while a writer writes through another node; the node the watch is connected to is killed
/// mid-stream. The watch resumes on the next node from its last revision: every write arrives,
/// once, in order.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WatchFailoverTests : IDisposable
{
    private const int Writes = 60;
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_watch_resumes_on_the_next_endpoint_with_no_event_missed_or_doubled()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west", "--nodes", "3", "--base-port", "0"], cancel);
        var nodes = up.Cluster.Regions.Single().Nodes;
        var token = up.Cluster.AdminToken!;
        using var writer = new PlatformClient(new PlatformClientOptions { Endpoints = [new Uri(nodes[2].Http)], Token = token });
        await writer.PutNamespaceAsync("feed", new NamespaceSpec(NamespaceSpec.StrongGlobal), cancel);

        using var watcher = new PlatformClient(new PlatformClientOptions
        {
            Endpoints = [.. nodes.Select(n => new Uri(n.Http))],
            Token = token,
            BaseDelay = TimeSpan.FromMilliseconds(50),
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        stop.CancelAfter(TimeSpan.FromMinutes(2));
        var seen = new List<(long Revision, string Value)>();
        var watch = Task.Run(async () =>
        {
            await foreach (var change in watcher.WatchAsync("feed", cancellationToken: stop.Token))
            {
                if (change.Kind == WatchEventKind.Put)
                {
                    lock (seen)
                    {
                        seen.Add((change.Revision!.Value, Encoding.UTF8.GetString(change.Value!)));
                        if (seen.Count == Writes)
                        {
                            return;
                        }
                    }
                }
            }
        }, cancel);

        // The watch is on node-1 (the first endpoint); it dies halfway through the writes.
        await Task.Delay(500, cancel);
        for (var i = 0; i < Writes; i++)
        {
            await writer.PutAsync("feed", $"k{i % 7}", Encoding.UTF8.GetBytes($"v{i}"), "text/plain", cancellationToken: cancel);
            if (i == Writes / 2)
            {
                Assert.Equal(new Uri(nodes[0].Http), watcher.Endpoint);
                Process.GetProcessById(nodes[0].Pid).Kill();
            }
        }

        await watch.WaitAsync(TimeSpan.FromMinutes(1), cancel);
        lock (seen)
        {
            Assert.Equal(Enumerable.Range(0, Writes).Select(i => $"v{i}"), seen.Select(s => s.Value));
            Assert.Equal(seen.Select(s => s.Revision).Order(), seen.Select(s => s.Revision));
        }

        Assert.NotEqual(new Uri(nodes[0].Http), watcher.Endpoint);

        // The attempt timeout bounds the wait for a watch's headers, not the stream: a watch open
        // longer than it still gets its events.
        using var patient = new PlatformClient(new PlatformClientOptions { Endpoints = [new Uri(nodes[1].Http)], Token = token, AttemptTimeout = TimeSpan.FromSeconds(1) });
        await using var stream = patient.WatchAsync("feed", prefix: "late", cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var next = stream.MoveNextAsync().AsTask();
        await Task.Delay(TimeSpan.FromSeconds(2.5), cancel);
        await writer.PutAsync("feed", "late", "after the timeout"u8.ToArray(), "text/plain", cancellationToken: cancel);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30), cancel));
        Assert.Equal("late", stream.Current.Key);
    }
}
