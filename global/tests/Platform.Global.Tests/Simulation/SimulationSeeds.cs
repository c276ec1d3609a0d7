using System.Globalization;

namespace Platform.Global.Tests.Simulation;

/// <summary>
/// Which seeds a simulation runs: <c>SIM_SEED=n</c> replays one, <c>SIM_SEEDS=a..b</c> runs a range,
/// and without either the default range given by the test (as the consensus simulator does).
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
        if (string.IsNullOrWhiteSpace(range))
        {
            return [.. Enumerable.Range(defaultFirst, defaultCount)];
        }

        var parts = range.Split("..", StringSplitOptions.TrimEntries);
        return parts.Length == 2
            ? [.. Enumerable.Range(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture) - int.Parse(parts[0], CultureInfo.InvariantCulture) + 1)]
            : throw new ArgumentException($"SIM_SEEDS must look like a..b, not '{range}'");
    }
}
