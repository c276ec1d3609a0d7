using System.Text;
using Platform.Cli.Tests.Processes;
using Platform.Client.Models;

namespace Platform.Client.Tests.Processes;

/// <summary>The SDK's typed calls of the rest of the contract against a real node: transactions, compaction, digests, the divergent archive.</summary>
[Trait("Category", "Integration")]
public sealed class TypedCallsTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Transactions_compaction_digests_and_the_divergent_archive_through_the_sdk()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west", "--nodes", "1", "--base-port", "0"], cancel);
        var region = up.Cluster.Regions.Single();
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [new Uri(region.Edge!.Http), new Uri(region.Nodes[0].Http)], Token = up.Cluster.AdminToken });
        await client.PutNamespaceAsync("orders", new NamespaceSpec(NamespaceSpec.StrongGlobal), cancel);
        var first = await client.PutAsync("orders", "stock/widget", "5"u8.ToArray(), "text/plain", cancellationToken: cancel);

        // Compare-and-set on the key's revision: the first succeeds, the same again fails and runs the other branch.
        var txn = new TxnRequest(
            [TxnCompare.ModRevision("stock/widget", "=", first.ModRevision)],
            [TxnOperation.Write("stock/widget", "4"u8.ToArray(), "text/plain"), TxnOperation.Write("orders/1", "widget"u8.ToArray())],
            [TxnOperation.Write("conflicts/1", "lost the race"u8.ToArray())]);
        var won = await client.TxnAsync("orders", txn, cancellationToken: cancel);
        var lost = await client.TxnAsync("orders", txn, cancellationToken: cancel);
        Assert.True(won.Succeeded);
        Assert.False(lost.Succeeded);
        Assert.Equal("4", Encoding.UTF8.GetString((await client.GetAsync("orders", "stock/widget", cancellationToken: cancel)).Value.Value));
        Assert.Equal(lost.Revision, client.LastSeenRevision("orders"));

        var exists = await client.TxnAsync("orders", new TxnRequest([TxnCompare.Exists("orders/1", true), TxnCompare.ValueIs("orders/1", "=", "widget"u8)], [TxnOperation.Remove("orders/1")]), cancellationToken: cancel);
        Assert.True(exists.Succeeded);

        var before = await client.DigestAsync("orders", cancellationToken: cancel);
        Assert.Equal(exists.Revision, before.Revision);
        Assert.Equal(before.Digest, (await client.DigestAsync("orders", before.Revision, cancel)).Digest);

        var compacted = await client.CompactAsync("orders", exists.Revision, cancel);
        Assert.Equal(exists.Revision, compacted.CompactRevision);
        var gone = await Assert.ThrowsAsync<PlatformProblemException>(() => client.GetAsync("orders", "stock/widget", revision: first.Revision, cancellationToken: cancel));
        Assert.Equal("Compacted", gone.Code);

        // No failover happened here: the archive is empty.
        Assert.Empty((await client.GetDivergentAsync("orders", cancel)).Items);
    }
}
