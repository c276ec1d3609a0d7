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
}
