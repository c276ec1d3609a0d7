using Platform.EdgeProxy.Pipeline;

namespace Platform.EdgeProxy.Tests.Pipeline;

public sealed class EdgePathsTests
{
    [Theory]
    [InlineData("/v1/ns/app/kv/color", "app", "color")]
    [InlineData("/v1/ns/app/kv/a/b/c", "app", "a/b/c")]
    public void A_key_path_names_its_namespace_and_key(string path, string ns, string key)
    {
        Assert.True(EdgePaths.TryKey(path, out Range parsedNs, out Range parsedKey));
        Assert.Equal((ns, key), (path[parsedNs], path[parsedKey]));
    }

    [Theory]
    [InlineData("/v1/ns/app/kv")]
    [InlineData("/v1/ns/app/kv/")]
    [InlineData("/v1/ns//kv/x")]
    [InlineData("/v1/namespaces/app")]
    [InlineData("/v1/ns/app/history/color")]
    public void Other_paths_are_not_key_reads(string path) => Assert.False(EdgePaths.TryKey(path, out Range _, out Range _));

    [Fact]
    public void A_watch_path_names_its_namespace()
    {
        Assert.True(EdgePaths.TryWatch("/v1/ns/app/watch", out var ns));
        Assert.Equal("app", ns);
        Assert.False(EdgePaths.TryWatch("/v1/ns/app/watcher", out _));
    }

    [Theory]
    [InlineData("", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 60_000)]
    public void Durations_in_queries_have_a_default_and_a_ceiling(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationQuery.Parse(text, "wait", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)));

    [Fact]
    public void A_bad_duration_is_a_problem_answer()
    {
        var problem = Assert.Throws<EdgeProblem>(() => DurationQuery.Parse("soon", "wait", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)));
        Assert.Equal((400, "InvalidRequest"), (problem.Status, problem.Code));
    }
}
