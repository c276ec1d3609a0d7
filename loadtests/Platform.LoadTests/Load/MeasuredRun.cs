using System.Text.Json.Serialization;
using HdrHistogram;

namespace Platform.LoadTests.Load;

/// <summary>
/// What one measured phase of the versus scenario did against one system. <see cref="Ok"/> and
/// <see cref="Conflicts"/> are answered operations (both in the latencies: a CAS that lost its comparison
/// was still answered); <see cref="Errors"/> failed; <see cref="Dropped"/> are open-loop requests that were
/// due while the bound of outstanding requests was full, so they were never sent (an error too).
/// </summary>
public sealed record MeasuredRun(
    string Mode,
    int Concurrency,
    double? RatePerSecond,
    double Seconds,
    long Ok,
    long Conflicts,
    long Errors,
    long Dropped,
    long WarmupErrors,
    string? FirstFailure,
    HistogramSummary Latency)
{
    /// <summary>Acknowledged operations per second of the measured window.</summary>
    public double OkPerSecond => Seconds > 0 ? Ok / Seconds : double.NaN;

    /// <summary>
    /// CPU seconds the harness itself spent over the measured window: the load generator shares the cores with
    /// the system it measures, so a client that costs more (gRPC against plain HTTP/1.1) leaves the server less.
    /// </summary>
    public double? HarnessCpuSeconds { get; init; }

    /// <summary>The latencies themselves, to merge the rounds and draw the chart; not written to JSON.</summary>
    [JsonIgnore]
    public HistogramBase? Histogram { get; init; }
}
