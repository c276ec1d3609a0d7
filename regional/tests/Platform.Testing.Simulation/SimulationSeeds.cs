using System.Globalization;

namespace Platform.Testing.Simulation;

/// <summary>
/// Which seeds a simulation test runs: <c>SIM_SEED=n</c> replays one, <c>SIM_SEEDS=a..b</c> runs a
/// range, and without either the default range given by the test.
/// </summary>
public static class SimulationSeeds
{
    public static IReadOnlyList<int> Resolve(int defaultFirst, int defaultCount)
    {
        var single = Environment.GetEnvironmentVariable("SIM_SEED");
        if (!string.IsNullOrWhiteSpace(single))
        {
            return [int.Parse(single, CultureInfo.InvariantCulture)];
        }

        var range = Environment.GetEnvironmentVariable("SIM_SEEDS");
        if (!string.IsNullOrWhiteSpace(range))
        {
            var parts = range.Split("..", StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                throw new ArgumentException($"SIM_SEEDS must look like a..b, not '{range}'");
            }

            var first = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var last = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return [.. Enumerable.Range(first, last - first + 1)];
        }

        return [.. Enumerable.Range(defaultFirst, defaultCount)];
    }

    /// <summary>
    /// Appends a run's summary to the file <c>SIM_SUMMARY</c> names, if set: a soak's figures outlive
    /// the test runner, which shows a passing test's output nowhere.
    /// </summary>
    public static void Summarize(string summary)
    {
        if (Environment.GetEnvironmentVariable("SIM_SUMMARY") is { Length: > 0 } file)
        {
            File.AppendAllText(file, summary + Environment.NewLine);
        }
    }
}
