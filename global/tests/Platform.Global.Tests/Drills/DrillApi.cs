using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Global.Tests.Drills;

/// <summary>Starts drills through <c>POST /v1/drills</c> and waits for their reports.</summary>
internal static class DrillApi
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<string> StartAsync(HttpClient client, object request)
    {
        using var started = await client.PostAsJsonAsync("/v1/drills", request, Cancel);
        var body = await started.Content.ReadAsStringAsync(Cancel);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{(int)started.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The report once the drill is no longer running.</summary>
    public static async Task<JsonElement> FinishedAsync(HttpClient client, string id, double seconds = 180)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            using var shown = await client.GetAsync(new Uri($"/v1/drills/{id}", UriKind.Relative), Cancel);
            if (shown.IsSuccessStatusCode)
            {
                var report = JsonDocument.Parse(await shown.Content.ReadAsStringAsync(Cancel)).RootElement;
                if (report.GetProperty("state").GetString() != "running")
                {
                    return report;
                }

                Assert.True(DateTime.UtcNow < deadline, $"drill {id} still running after {seconds} s: {report}");
            }

            await Task.Delay(500, Cancel);
        }
    }

    public static JsonElement Namespace(JsonElement report, string ns) =>
        report.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("namespace").GetString() == ns);
}
