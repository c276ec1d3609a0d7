using System.Net;
using System.Net.Http.Headers;

namespace Platform.Regional.Tests.Api;

/// <summary>What an anonymous client can make a node do: bounded, and refused before it costs a consensus round.</summary>
[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class AbuseTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Random_tokens_from_one_address_are_looked_up_at_a_bounded_rate()
    {
        using var client = new HttpClient { BaseAddress = region.Endpoints[1] };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lookedUp = 0;
        var refused = 0;
        try
        {
            for (var i = 0; i < 300; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/namespaces");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"pt_random-{Guid.NewGuid():N}");
                using var answer = await client.SendAsync(request, Cancel);
                Assert.True(answer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{(int)answer.StatusCode}");
                lookedUp += answer.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
                refused += answer.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
            }

            // Each 401 of a new token cost a linearizable catalog read; the bucket allows 50 at once and 20 a second.
            var bound = 50 + (20 * clock.Elapsed.TotalSeconds) + 5;
            Assert.True(lookedUp <= bound, $"{lookedUp} unknown tokens were looked up in {clock.Elapsed.TotalSeconds:F1} s (bound {bound:F0}); {refused} refused");
            Assert.True(refused > 0);
        }
        finally
        {
            // The address's bucket refills before the collection's next test.
            await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None);
        }
    }
}
