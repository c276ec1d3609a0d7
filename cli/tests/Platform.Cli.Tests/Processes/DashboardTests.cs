using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium, headless, through Playwright) against
/// `platform up` with two regions: after the token, it lists the regions and the groups' leaders,
/// and writes to a local-commit namespace move its lag chart. A screenshot is kept under
/// TestResults/artifacts/.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(GlobalProcessTests))]
public sealed class DashboardTests : IDisposable
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
    public async Task The_page_shows_regions_and_leaders_and_a_write_moves_the_lag_chart()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west,us-east", "--nodes", "1", "--base-port", "0", "--wan-rtt", "100ms"], cancel);
        var home = up.Cluster.Regions.Single(r => r.Name == "eu-west").Nodes[0].Http;
        using var http = new HttpClient { BaseAddress = new Uri(home) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", up.Cluster.AdminToken);
        using (var created = await http.PutAsJsonAsync("/v1/namespaces/dash", new { mode = "local-commit", homeRegion = "eu-west", rpo = "2s" }, cancel))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(cancel));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(home);
        await page.FillAsync("#token", up.Cluster.AdminToken!);
        await page.ClickAsync("#connect");

        // Regions and leaders, from the live stream.
        await page.WaitForSelectorAsync("#regions tr[data-region='us-east']", new() { Timeout = 30_000 });
        Assert.Equal(2, await page.Locator("#regions tbody tr").CountAsync());
        await page.WaitForSelectorAsync("#groups tr[data-leader='node-1']", new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync("#namespaces tr[data-namespace='dash']", new() { Timeout = 30_000 });
        var series = page.Locator("#chart polyline[data-series='dash @ us-east']");
        await series.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var before = await series.GetAttributeAsync("points");

        // Writes at the home, shipped to us-east 50 ms of simulated WAN away: the chart moves and shows lag.
        var sawLag = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var i = 0; DateTime.UtcNow < deadline && !sawLag; i++)
        {
            using var put = await http.PutAsync($"/v1/ns/dash/kv/key-{i % 50}", new StringContent($"value {i}"), cancel);
            Assert.True(put.IsSuccessStatusCode);
            sawLag = double.Parse(await series.GetAttributeAsync("data-last") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0;
        }

        Assert.True(sawLag, "the chart never showed us-east's copy behind the home");
        Assert.NotEqual(before, await series.GetAttributeAsync("points"));

        var artifact = Path.Combine(RepositoryRoot(), "TestResults", "artifacts", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await page.ScreenshotAsync(new() { Path = artifact, FullPage = true });
        Assert.True(new FileInfo(artifact).Length > 10_000, "the screenshot is empty");
    }

    /// <summary>The checkout the tests run from (the folder holding Platform.sln), where CI keeps TestResults.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
