using System.Net;

namespace Platform.Global.Tests.Transport;

/// <summary>
/// The forwarded mark (a request another region's node carried here is answered here, never sent
/// on) is trusted only on the signed inter-region path. A client that sets the mark itself on a
/// copy cut off from its home must not get the copy's stale value as a linearizable read.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ForwardedMarkTests(LinkedRegionsFixture regions) : IClassFixture<LinkedRegionsFixture>
{
    private const string Home = "eu-west";
    private const string Copy = "ap-south";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task A_client_set_forwarded_mark_at_a_copy_cut_off_from_its_home_gets_no_stale_linearizable_read()
    {
        using var home = regions.Client(Home);
        await Eventually.NamespaceAsync(home, "marked", new { mode = "local-commit", homeRegion = Home });
        var first = await Eventually.WrittenAsync(home, "/v1/ns/marked/kv/k", "1");
        using var copy = regions.Client(Copy);
        await Eventually.HoldsAsync(async () =>
        {
            using var read = await copy.GetAsync(Relative($"/v1/ns/marked/kv/k?consistency=serializable&minRevision={first}&timeout=1s"), Cancel);
            return read.StatusCode == HttpStatusCode.OK && read.Headers.Contains("X-Config-Lag-Ms");
        }, 20, "ap-south's copy holding the first write");

        await regions.ChaosAsync(Copy, "partition", new { regions = new[] { Home } });
        try
        {
            await Eventually.WrittenAsync(home, "/v1/ns/marked/kv/k", "2");
            foreach (var mark in new[] { "us-east/node-1", "eu-west/node-1" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Relative("/v1/ns/marked/kv/k?consistency=linearizable"));
                request.Headers.Add("X-Platform-Forwarded", mark);
                using var read = await copy.SendAsync(request, Cancel);
                var body = await read.Content.ReadAsStringAsync(Cancel);
                Assert.False(read.IsSuccessStatusCode, $"a linearizable read marked '{mark}' by the client was answered {(int)read.StatusCode} '{body}' by a copy cut off from its home");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            }
        }
        finally
        {
            await regions.ChaosAsync(Copy, "heal");
        }

        // Healed: the same read is forwarded to the home on the signed path, marked there, and answered the newest value.
        await Eventually.HoldsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative("/v1/ns/marked/kv/k?consistency=linearizable"));
            request.Headers.Add("X-Platform-Forwarded", "us-east/node-1");
            using var read = await copy.SendAsync(request, Cancel);
            return read.StatusCode == HttpStatusCode.OK && await read.Content.ReadAsStringAsync(Cancel) == "2";
        }, 20, "the healed copy's region forwarding the linearizable read to the home");
    }
}
