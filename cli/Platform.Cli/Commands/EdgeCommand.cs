using System.CommandLine;
using Platform.Cli.Up;
using Platform.EdgeProxy.Hosting;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform edge</c>: runs one caching edge proxy in front of a region (what <c>platform up</c>
/// starts per region). It reads with the token in PLATFORM_EDGE_TOKEN.
/// </summary>
public static class EdgeCommand
{
    public static Command Create()
    {
        var region = new Option<string?>("--region") { Description = "The region this edge serves." };
        var address = ListenAddress.Create(" (both ports)");
        var port = new Option<int>("--port") { Description = "HTTP/1.1 port (on --address).", DefaultValueFactory = _ => 8080 };
        var http2Port = new Option<int>("--http2-port") { Description = "A second port speaking HTTP/2 without TLS (prior knowledge), for clients that multiplex many watches; 0 for none.", DefaultValueFactory = _ => 0 };
        var nodes = new Option<string?>("--nodes") { Description = "The region's nodes: http://127.0.0.1:7101,http://127.0.0.1:7102,..." };
        var remote = new Option<string?>("--remote") { Description = "Other regions' nodes, nearest first, used while the region is down: region=http://host:port,..." };
        var bufferEvents = new Option<int>("--watch-buffer") { Description = "Recent events kept per namespace for reconnecting watchers.", DefaultValueFactory = _ => 10_000 };
        var cacheMib = new Option<int>("--cache-mib") { Description = "Memory the cached values may take; beyond it the least recently read are dropped.", DefaultValueFactory = _ => 256 };
        var concurrency = new Option<int>("--upstream-concurrency") { Description = "Requests in flight toward the region at once; more wait (bounded) or get 429.", DefaultValueFactory = _ => 256 };
        var tokenRate = new Option<int>("--token-rate") { Description = "Upstream-bound requests per second per token (cache hits are not counted); 0 disables.", DefaultValueFactory = _ => 1000 };
        var tokenBurst = new Option<int>("--token-burst") { Description = "Burst of upstream-bound requests per token.", DefaultValueFactory = _ => 2000 };
        var watchesPerToken = new Option<int>("--max-watches-per-token") { Description = "Watches one token may hold open on this edge at once; more get 429.", DefaultValueFactory = _ => 20_000 };
        var watchesPerAddress = new Option<int>("--max-watches-per-address") { Description = "Watches one client address may hold open on this edge at once; more get 429.", DefaultValueFactory = _ => 20_000 };
        var tokenStaleness = new Option<string>("--token-max-staleness") { Description = "Oldest token check the edge still honours, even while the region is down, so also how long it can serve stale values (<n>ms|s|m).", DefaultValueFactory = _ => "60s" };
        var command = new Command("edge", "Run one caching edge proxy in front of a region (YARP): cached reads, shared watches, routed writes.")
        {
            region, address, port, http2Port, nodes, remote, cacheMib, bufferEvents, concurrency, tokenRate, tokenBurst, watchesPerToken, watchesPerAddress, tokenStaleness,
        };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var regionName = parseResult.GetValue(region);
            var regionNodes = ParseUrls(parseResult.GetValue(nodes));
            var remoteNodes = ParseRemote(parseResult.GetValue(remote));
            var token = Environment.GetEnvironmentVariable(ChildEdge.EdgeTokenVariable);
            var problems = new List<string>();
            if (string.IsNullOrEmpty(regionName))
            {
                problems.Add("--region is required.");
            }

            if (regionNodes is null || regionNodes.Count == 0)
            {
                problems.Add("--nodes needs the region's node URLs (http://127.0.0.1:7101,...).");
            }

            if (remoteNodes is null)
            {
                problems.Add("--remote is region=http://host:port,...");
            }

            if (string.IsNullOrEmpty(token))
            {
                problems.Add($"the edge reads with the token in {ChildEdge.EdgeTokenVariable} (a reader of every namespace at least).");
            }

            if (!DurationText.TryParse(parseResult.GetValue(tokenStaleness), out var staleness) || staleness < TimeSpan.FromSeconds(1))
            {
                problems.Add("--token-max-staleness is a duration of at least 1s.");
            }

            if (parseResult.GetValue(concurrency) < 1 || parseResult.GetValue(bufferEvents) < 1 || parseResult.GetValue(cacheMib) < 1 || parseResult.GetValue(tokenRate) < 0)
            {
                problems.Add("--upstream-concurrency, --watch-buffer and --cache-mib are at least 1, --token-rate at least 0.");
            }

            if (parseResult.GetValue(watchesPerToken) < 1 || parseResult.GetValue(watchesPerAddress) < 1)
            {
                problems.Add("--max-watches-per-token and --max-watches-per-address are at least 1.");
            }

            var listenAddress = ListenAddress.Parse(parseResult.GetValue(address)!, out var addressProblem);
            if (addressProblem is not null)
            {
                problems.Add(addressProblem);
            }

            if (problems.Count > 0)
            {
                problems.ForEach(error.WriteLine);
                return ExitCodes.Usage;
            }

            var options = new EdgeOptions
            {
                Region = regionName!,
                Port = parseResult.GetValue(port),
                ListenAddress = listenAddress!,
                Http2Port = parseResult.GetValue(http2Port),
                RegionNodes = regionNodes!,
                RemoteNodes = remoteNodes!,
                Token = token!,
                WatchBufferEvents = parseResult.GetValue(bufferEvents),
                CacheBytes = parseResult.GetValue(cacheMib) * 1024L * 1024L,
                UpstreamConcurrency = parseResult.GetValue(concurrency),
                TokenRate = parseResult.GetValue(tokenRate),
                TokenBurst = parseResult.GetValue(tokenBurst),
                MaxWatchesPerToken = parseResult.GetValue(watchesPerToken),
                MaxWatchesPerAddress = parseResult.GetValue(watchesPerAddress),
                TokenMaxStaleness = staleness,
                TokenRefreshAfter = staleness < TimeSpan.FromSeconds(10) ? staleness / 2 : TimeSpan.FromSeconds(5),
            };
            var app = EdgeHost.Build(options);
            app.Run();
            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<Uri>? ParseUrls(string? text)
    {
        var urls = new List<Uri>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return null;
            }

            urls.Add(url);
        }

        return urls;
    }

    private static List<(string Region, Uri Url)>? ParseRemote(string? text)
    {
        var nodes = new List<(string, Uri)>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !Uri.TryCreate(part[(equals + 1)..], UriKind.Absolute, out var url))
            {
                return null;
            }

            nodes.Add((part[..equals], url));
        }

        return nodes;
    }
}
