using System.Collections;

namespace Platform.LoadTests.Tests;

public sealed class HarnessOptionsTests
{
    private static readonly string PlatformDll = Path.Combine(AppContext.BaseDirectory, "platform.dll");

    [Fact]
    public void Versus_takes_its_defaults_the_smoke_set_and_the_environment_over_them()
    {
        var full = HarnessOptions.Parse(["versus", "--platform", PlatformDll, "--results", "r", "--repo", "/repo"], new Hashtable(), out _)!;
        var smoke = HarnessOptions.Parse(["versus", "--platform", PlatformDll, "--results", "r"], new Hashtable { ["LOADTEST_SMOKE"] = "1", ["LOADTEST_ROUNDS"] = "2", ["LOADTEST_VERSUS_WATCHERS"] = "5,7" }, out _)!;

        Assert.True(full.Versus.IsFullRun);
        Assert.Equal([1, 16, 64, 256], full.Versus.Concurrencies);
        Assert.Equal("/repo/loadtests/etcd.sh", full.EtcdScript);
        Assert.False(smoke.Versus.IsFullRun);
        Assert.Equal(2, smoke.Versus.Rounds);
        Assert.Equal(VersusParameters.Smoke.Seconds, smoke.Versus.Seconds);
        Assert.Equal([5, 7], smoke.Versus.Watchers);
        Assert.Null(smoke.EtcdScript);
    }

    [Fact]
    public void A_bad_list_is_refused_with_its_name()
    {
        var options = HarnessOptions.Parse(["versus", "--platform", PlatformDll, "--results", "r"], new Hashtable { ["LOADTEST_VERSUS_CONCURRENCIES"] = "1,x" }, out var error);

        Assert.Null(options);
        Assert.Contains("LOADTEST_VERSUS_CONCURRENCIES", error, StringComparison.Ordinal);
    }
}
