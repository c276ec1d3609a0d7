using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Cli.Tests.Processes;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.Configuration.Tests.Processes;

/// <summary>
/// The provider against a real `platform up`: options bound from a namespace, a write seen by
/// <c>IOptionsMonitor.OnChange</c>; with the platform gone, start-up from the last known good file
/// within the bounded wait.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProviderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public sealed class CheckoutOptions
    {
        public bool NewFlow { get; set; }

        public int MaxItems { get; set; }
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_write_reaches_IOptionsMonitor_and_a_start_without_the_platform_uses_the_last_known_good_file()
    {
        var cancel = TestContext.Current.CancellationToken;
        var lastKnownGood = Path.Combine(directory, "payments.json");
        List<Uri> endpoints;
        await using (var up = await PlatformUpRun.StartAsync(Path.Combine(directory, "data"), ["--regions", "eu-west", "--nodes", "1", "--base-port", "0"], cancel))
        {
            var region = up.Cluster.Regions.Single();
            endpoints = [new Uri(region.Edge!.Http), new Uri(region.Nodes[0].Http)];
            using var writer = new PlatformClient(new PlatformClientOptions { Endpoints = [new Uri(region.Nodes[0].Http)], Token = up.Cluster.AdminToken });
            await writer.PutNamespaceAsync("payments", new NamespaceSpec(NamespaceSpec.StrongGlobal), cancel);
            await writer.PutAsync("payments", "app/checkout/newFlow", "true"u8.ToArray(), "text/plain", cancellationToken: cancel);
            await writer.PutAsync("payments", "app/checkout/maxItems", "10"u8.ToArray(), "text/plain", cancellationToken: cancel);
            await writer.PutAsync("payments", "other/ignored", "x"u8.ToArray(), "text/plain", cancellationToken: cancel);

            using var services = Services(endpoints, up.Cluster.AdminToken!, lastKnownGood, out var provider);
            var monitor = services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
            Assert.Equal("platform", provider.LoadedFrom);
            Assert.Equal((true, 10), (monitor.CurrentValue.NewFlow, monitor.CurrentValue.MaxItems));

            var changed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subscription = monitor.OnChange(options =>
            {
                if (options.MaxItems == 80)
                {
                    changed.TrySetResult(options.MaxItems);
                }
            });
            await writer.PutAsync("payments", "app/checkout/maxItems", "80"u8.ToArray(), "text/plain", cancellationToken: cancel);
            Assert.Equal(80, await changed.Task.WaitAsync(TimeSpan.FromSeconds(15), cancel));
            await writer.DeleteAsync("payments", "app/checkout/newFlow", cancellationToken: cancel);
            await Until(() => !monitor.CurrentValue.NewFlow, cancel);
        }

        // The platform is gone: start-up waits its bounded time, then runs on the last known good.
        var started = DateTime.UtcNow;
        using (var offline = Services(endpoints, "pt_any", lastKnownGood, out var provider, TimeSpan.FromSeconds(2)))
        {
            var options = offline.GetRequiredService<IOptionsMonitor<CheckoutOptions>>().CurrentValue;
            Assert.Equal("last known good file", provider.LoadedFrom);
            Assert.Equal((false, 80), (options.NewFlow, options.MaxItems));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "start-up waited longer than its bound");
        }

        // Without the file: an error that says why, or nothing when the source is optional.
        File.Delete(lastKnownGood);
        var refused = Assert.Throws<InvalidOperationException>(() => Services(endpoints, "pt_any", lastKnownGood, out _, TimeSpan.FromSeconds(1)).Dispose());
        Assert.Contains("last known good", refused.Message, StringComparison.Ordinal);
        using (var empty = Services(endpoints, "pt_any", lastKnownGood, out var optional, TimeSpan.FromSeconds(1), optional: true))
        {
            Assert.Equal("nothing", optional.LoadedFrom);
            Assert.Equal(0, empty.GetRequiredService<IOptionsMonitor<CheckoutOptions>>().CurrentValue.MaxItems);
        }
    }

    private static ServiceProvider Services(List<Uri> endpoints, string token, string lastKnownGood, out PlatformConfigurationProvider provider, TimeSpan? startup = null, bool optional = false)
    {
        var configuration = new ConfigurationBuilder().AddPlatformConfig(o =>
        {
            o.Endpoints = endpoints;
            o.Token = token;
            o.Namespace = "payments";
            o.Prefix = "app/";
            o.LastKnownGoodPath = lastKnownGood;
            o.StartupTimeout = startup ?? TimeSpan.FromSeconds(10);
            o.Optional = optional;
        }).Build();
        provider = configuration.Providers.OfType<PlatformConfigurationProvider>().Single();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.Configure<CheckoutOptions>(configuration.GetSection("checkout"));
        return services.BuildServiceProvider();
    }

    private static async Task Until(Func<bool> condition, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not so within 15 s");
            await Task.Delay(50, cancel);
        }
    }
}
