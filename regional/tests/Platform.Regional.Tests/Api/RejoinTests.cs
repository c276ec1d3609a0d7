using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Regional.Hosting;

namespace Platform.Regional.Tests.Api;

/// <summary>A node whose disk is wiped rejoins under a new replica id, as a learner first, and catches up.</summary>
[Trait("Category", "Integration")]
public sealed class RejoinTests : IAsyncLifetime
{
    private readonly SnapshottingRegion region = new();

    /// <summary>
    /// Snapshots (and compacts the log) every 16 entries, so a replica starting from nothing must be
    /// sent a snapshot, streamed in chunks of 512 bytes, so it takes several.
    /// </summary>
    private sealed class SnapshottingRegion : ApiRegion
    {
        protected override long SnapshotEveryEntries => 16;

        protected override int SnapshotChunkBytes => 512;

        protected override long SnapshotCatchUpEntries => 4;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => region.InitializeAsync();

    public ValueTask DisposeAsync() => region.DisposeAsync();

    [Fact]
    public async Task A_wiped_node_rejoins_as_a_new_incarnation_and_catches_up_from_a_snapshot()
    {
        var admin = region.Admin(0);
        await admin.CreateNamespaceAsync("rejoin");
        for (var i = 0; i < 60; i++)
        {
            await admin.PutTextAsync("rejoin", $"k{i}", $"v{i}");
        }

        // The other nodes have compacted the namespace group's log: a replica starting from nothing
        // cannot be sent the entries from index 1, only a snapshot.
        var group = Platform.Regional.Namespaces.NamespacePlacement.GroupOf("rejoin", 2);
        foreach (var survivor in new[] { 0, 1 })
        {
            Assert.Contains(Directory.GetFiles(Path.Combine(region.NodeDirectory(survivor), "snap")), f => Path.GetFileName(f).StartsWith($"{group:D20}-", StringComparison.Ordinal));
        }

        var identityPath = Path.Combine(region.NodeDirectory(2), "replica-id");
        Assert.EndsWith("/3", File.ReadAllText(identityPath).Trim(), StringComparison.Ordinal);
        await region.StopNodeAsync(2);
        Directory.Delete(region.NodeDirectory(2), recursive: true);
        // The stopped node may have led the group: the write can meet the leader change (503
        // OutcomeUnknown), so it is retried with its idempotency key, as a client would.
        await Eventually.HoldsAsync(async () =>
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, "/v1/ns/rejoin/kv/while-away") { Content = new StringContent("written", System.Text.Encoding.UTF8, "text/plain") };
            put.Headers.Add("Idempotency-Key", "rejoin-while-away");
            using var answer = await admin.SendAsync(put, TestContext.Current.CancellationToken);
            Assert.True(answer.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.ServiceUnavailable, await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            return answer.StatusCode == System.Net.HttpStatusCode.OK;
        });
        await region.StartNodeAsync(2);

        // The new incarnation has a new id on the same node...
        var recorded = string.Empty;
        await Eventually.HoldsAsync(() => Task.FromResult(TryRead(identityPath, out recorded) && recorded.EndsWith('\n')), seconds: 30);
        var id = ulong.Parse(recorded.Trim().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0UL, NodeOptions.IncarnationOf(id));
        Assert.Equal(3UL, NodeOptions.OrdinalOfReplica(id));

        // ...replaces the old one as a voter in every group (one member per node again)...
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await admin.GetAsync("/v1/status", Cancel);
            var status = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            return status.GetProperty("groups").EnumerateArray().All(g =>
            {
                var members = g.GetProperty("members").EnumerateArray().ToList();
                return members.Count == 3 && members.Count(m => m.GetProperty("node").GetString() == "node-3" && m.GetProperty("role").GetString() != "learner") == 1;
            });
        }, seconds: 60);

        // ...and holds every write, old and new, in its own replica.
        using var local = region.Admin(2);
        await Eventually.HoldsAsync(async () =>
        {
            using var read = await local.GetAsync("/v1/ns/rejoin/kv/while-away?consistency=serializable", Cancel);
            return read.StatusCode == HttpStatusCode.OK;
        }, seconds: 30);
        using var old = await local.GetAsync("/v1/ns/rejoin/kv/k0?consistency=serializable", Cancel);
        Assert.Equal("v0", await old.Content.ReadAsStringAsync(Cancel));


        await local.PutTextAsync("rejoin", "after", "yes");
    }

    /// <summary>Reads a file the node may be writing right now (the runtime locks it while it does).</summary>
    private static bool TryRead(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception busy) when (busy is IOException or UnauthorizedAccessException)
        {
            text = string.Empty;
            return false;
        }
    }
}
