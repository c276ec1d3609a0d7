using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Platform.Global.Tests.Replication;

/// <summary>
/// A client writing steadily while a namespace moves: one new key per write, each retried with its
/// Idempotency-Key until it is acknowledged, so the test knows exactly which writes were
/// acknowledged (and at which revision).
/// </summary>
public static class SteadyWriter
{
    /// <summary>Writes <c>k00000</c>, <c>k00001</c>, ... through <paramref name="client"/> (disposed at the end) until <paramref name="stop"/>.</summary>
    public static async Task WriteAsync(HttpClient client, string ns, ConcurrentDictionary<string, (string Value, long Revision)> acknowledged, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(acknowledged);
        using var owned = client;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"k{i:D5}";
            var value = $"v{i}";
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/v1/ns/{ns}/kv/{key}", UriKind.Relative)) { Content = new StringContent(value) };
                request.Headers.Add("Idempotency-Key", key);
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50, CancellationToken.None);
                    continue;
                }

                using (response)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)).RootElement;
                        acknowledged[key] = (value, body.GetProperty("revision").GetInt64());
                        break;
                    }

                    // Refused while the namespace moves (no lease, frozen, taking over, fenced): nothing changed, or the key makes the retry safe.
                    Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict,
                        $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    await Task.Delay(50, CancellationToken.None);
                }
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }
}
