using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Testing.Simulation;

/// <summary>What a range of seeds did: every run's report, the failures by seed, and the wall time.</summary>
public sealed record SeedRunResults<TReport>(IReadOnlyList<TReport> Reports, IReadOnlyList<(int Seed, string Failure)> Failures, TimeSpan Elapsed)
{
    /// <summary>The failure to report: how many seeds failed, the first 20, and the first one's whole account (null when none did).</summary>
    public string? FailureMessage => Failures.Count == 0
        ? null
        : $"{Failures.Count} seed(s) failed: {string.Join(", ", Failures.Select(f => f.Seed).Take(20))}\n{Failures[0].Failure}";
}

/// <summary>
/// Runs a simulation over seeds on every core (each seed on one thread, as its loop requires).
/// With one seed and <c>SIM_TRACE=file</c> set, the run's report and trace go to that file, to read
/// a run that passed; with <c>SIM_TRACE_DIR=directory</c>, every seed's go to <c>seed-N.txt</c> there.
/// </summary>
public static class SeedRuns
{
    public static SeedRunResults<TReport> Run<TReport>(IReadOnlyList<int> seeds, Func<int, (TReport Report, string? Failure, string Trace)> run)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(run);
        var failures = new ConcurrentBag<(int Seed, string Failure)>();
        var reports = new ConcurrentBag<TReport>();
        var stopwatch = Stopwatch.StartNew();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var (report, failure, trace) = run(seed);
            reports.Add(report);
            if (seeds.Count == 1 && Environment.GetEnvironmentVariable("SIM_TRACE") is { Length: > 0 } traceFile)
            {
                File.WriteAllText(traceFile, $"{report}\n{trace}\n");
            }

            if (Environment.GetEnvironmentVariable("SIM_TRACE_DIR") is { Length: > 0 } traceDirectory)
            {
                File.WriteAllText(Path.Combine(traceDirectory, $"seed-{seed}.txt"), $"{report}\n{trace}\n");
            }

            if (failure is not null)
            {
                failures.Add((seed, failure));
            }
        });

        return new SeedRunResults<TReport>([.. reports], [.. failures.OrderBy(f => f.Seed)], stopwatch.Elapsed);
    }
}
