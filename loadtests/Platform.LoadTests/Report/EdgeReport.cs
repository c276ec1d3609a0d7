using System.Text.Json.Serialization;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// What loadtests/run.sh edge measured. <see cref="Failures"/> names each part that could not be
/// measured; the goals (as fast as nginx, 200 MiB for 10,000 watchers) are reported against, never
/// asserted, while the checks (one fetch for the key, one upstream watch, no missed event) fail the run.
/// </summary>
public sealed record EdgeReport(
    MachineInfo Machine,
    RunParameters Parameters,
    string Command,
    EdgeSetup Setup,
    IReadOnlyList<CachedReadRow> CachedReads,
    CachedReadChecks? ReadChecks,
    KeyMemoryFigures? KeyMemory,
    WatcherFigures? Watchers,
    EdgeProcessHealth? Edge,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Failures)
{
    [JsonIgnore]
    public bool Failed =>
        Failures.Count > 0
        || CachedReads.Any(r => r.Edge is null || r.Nginx is null || r.Edge.Errors > 0 || r.Nginx.Errors > 0)
        || ReadChecks is not { FetchesForKey: 1 }
        || KeyMemory is null || KeyMemory.WriteErrors > 0 || KeyMemory.ReadErrors > 0
        || Watchers is null || Watchers.EventsMissed > 0 || Watchers.UpstreamWatchesOpened != 1 || Watchers.WriteErrors > 0
        || Edge is not { AliveAtEnd: true };
}

/// <summary>How the run was set up, beyond the platform itself: the comparison proxy and the limits that bound the fleets.</summary>
/// <param name="WatcherProtocol">"HTTP/2 (h2c, prior knowledge)" or "HTTP/1.1", after <paramref name="H2cProbe"/>.</param>
/// <param name="EdgeRssAtStartBytes">The edge's resident memory once the platform was ready, before any request.</param>
public sealed record EdgeSetup(
    string? NginxVersion,
    string NginxConfig,
    string Wrk,
    string WatcherProtocol,
    string H2cProbe,
    long? HarnessOpenFiles,
    long? EdgeOpenFiles,
    long? EdgeRssAtStartBytes = null);

/// <summary>
/// The same wrk run against the edge and against nginx; <see cref="RequestsRatio"/> is edge / nginx. The
/// CPU seconds are each proxy's own during its run (the edge process; nginx's master and workers): on a
/// machine shared with other work, CPU per request moves less than requests per second.
/// </summary>
public sealed record CachedReadRow(int Connections, WrkFigures? Edge, WrkFigures? Nginx, double EdgeCpuSeconds = double.NaN, double NginxCpuSeconds = double.NaN, int Round = 1)
{
    public double RequestsRatio => Edge is { } e && Nginx is { } n && n.RequestsPerSecond > 0 ? e.RequestsPerSecond / n.RequestsPerSecond : double.NaN;

    public double EdgeCpuMicrosecondsPerRequest => Edge is { Requests: > 0 } e ? EdgeCpuSeconds * 1e6 / e.Requests : double.NaN;

    public double NginxCpuMicrosecondsPerRequest => Nginx is { Requests: > 0 } n ? NginxCpuSeconds * 1e6 / n.Requests : double.NaN;
}

/// <summary>
/// The edge's own account of the cached-read runs (from /metrics): the key was fetched from the
/// region once, by the first read, and every later read was a hit.
/// </summary>
/// <param name="FirstAnswer">X-Config-Cache of the first read through the edge (expected: miss).</param>
/// <param name="LastAnswer">X-Config-Cache of a read after every run (expected: hit).</param>
/// <param name="NginxLastAnswer">nginx's X-Cache-Status after every run (expected: HIT).</param>
/// <param name="WrkRequestsAtEdge">Requests wrk counted against the edge (warm-up included); the edge's hits also count those in flight when wrk stopped.</param>
public sealed record CachedReadChecks(
    string Key,
    int ValueBytes,
    string? FirstAnswer,
    string? LastAnswer,
    string? NginxLastAnswer,
    long FetchesBefore,
    long FetchesAfterFirstRead,
    long FetchesAfterRuns,
    long HitsDuringRuns,
    long MissesDuringRuns,
    long WrkRequestsAtEdge)
{
    /// <summary>Upstream fetches from before the key's first read to after the last run: 1 when the cache held.</summary>
    public long FetchesForKey => FetchesAfterRuns - FetchesBefore;
}

/// <summary>The edge's resident memory before and after caching <see cref="Keys"/> distinct keys, each read once through it.</summary>
/// <param name="FirstPass">X-Config-Cache of each key's first read, counted by value (expected: all miss).</param>
/// <param name="SecondPassHits">Reads of every key again, after the memory was read, answered hit.</param>
/// <param name="Refused">429 answers of the first pass (the edge's per-token rate toward the region), each retried.</param>
public sealed record KeyMemoryFigures(
    int Keys,
    int ValueBytes,
    double WriteSeconds,
    int WriteErrors,
    double ReadSeconds,
    IReadOnlyDictionary<string, int> FirstPass,
    int ReadErrors,
    int Refused,
    long FetchesDuringReads,
    long SecondPassHits,
    double SettleSeconds,
    long RssBeforeBytes,
    long RssAfterBytes)
{
    public double BytesPerKey => Keys > 0 ? (RssAfterBytes - RssBeforeBytes) / (double)Keys : double.NaN;
}

/// <summary>
/// The watcher fleet: memory, upstream watches and delivery. Delivery latency runs from a write's
/// acknowledgement (clamped at 0: an event may overtake its write's answer) or its sending, to the
/// event's arrival at each watcher, over every watcher and write. <paramref name="NodeWatchFromAck"/> is the
/// same for one watch opened at node-1 itself (no edge), and the idle CPU figures are the edge's over a
/// settle without and with the watchers open (percent of one core); the CPU seconds of the edge and of
/// this process (the watchers' client) cover <paramref name="DeliveryWindowSeconds"/>, from the first write
/// until every event had arrived (or the wait for them ended).
/// </summary>
public sealed record WatcherFigures(
    int Requested,
    int Opened,
    double OpenSeconds,
    long GaugeSeen,
    double GaugeSeconds,
    double SettleSeconds,
    long RssBeforeBytes,
    long RssAfterBytes,
    long UpstreamWatchesBefore,
    long UpstreamWatchesAfterOpen,
    long UpstreamWatchesAfterWrites,
    int Writes,
    double WriteSpacingMs,
    int WriteErrors,
    LatencySummary FromAck,
    LatencySummary FromSend,
    long EventsExpected,
    long EventsSeen,
    long EventsMissed,
    long ArrivedBeforeAck,
    int WatchersEnded,
    string? FirstWatcherFailure,
    long GaugeAfterClose,
    double CloseSeconds,
    long RssAfterCloseBytes,
    LatencySummary NodeWatchFromAck,
    long NodeWatchSeen,
    double EdgeIdleCpuWithoutPercent,
    double EdgeIdleCpuWithPercent,
    double DeliveryWindowSeconds,
    double EdgeCpuSecondsDuringWrites,
    double HarnessCpuSecondsDuringWrites)
{
    /// <summary>The edge's CPU from the first write until every event had arrived, per event delivered (idle work included).</summary>
    public double EdgeCpuMicrosecondsPerEvent => EventsSeen > 0 ? EdgeCpuSecondsDuringWrites * 1e6 / EventsSeen : double.NaN;

    public double BytesPerWatcher => Opened > 0 ? (RssAfterBytes - RssBeforeBytes) / (double)Opened : double.NaN;

    /// <summary>Upstream watches the edge opened from before the namespace was first touched to after the writes: 1 when every watcher shared one.</summary>
    public long UpstreamWatchesOpened => UpstreamWatchesAfterWrites - UpstreamWatchesBefore;
}

/// <summary>The edge process at the end of the run: alive, its memory, and what its log said.</summary>
/// <param name="LogProblems">edge.log lines at warn, fail or crit level.</param>
/// <param name="LogSamples">The first distinct such lines (shortened).</param>
public sealed record EdgeProcessHealth(int Pid, bool AliveAtEnd, long? RssBytes, int LogLines, int LogProblems, IReadOnlyList<string> LogSamples);
