namespace Platform.Testing.Simulation;

/// <summary>The last events of a run, each stamped with the loop's true time: what a failure shows.</summary>
public sealed class SimTrace(SimLoop loop, int capacity)
{
    private readonly Queue<string> events = new();

    public void Note(string text)
    {
        if (events.Count == capacity)
        {
            events.Dequeue();
        }

        events.Enqueue($"{loop.Now.TotalMilliseconds,10:F1}ms {text}");
    }

    public override string ToString() => string.Join('\n', events);

    /// <summary>
    /// Runs a seed's phases: the failure its checks return, or how the run ended when work of the
    /// code under test threw or escaped the loop.
    /// </summary>
    public static string? FailureOf(Func<string?> runPhases)
    {
        ArgumentNullException.ThrowIfNull(runPhases);
        try
        {
            return runPhases();
        }
        catch (SimulationEscapeException escaped)
        {
            return escaped.Message + "\n" + (escaped.InnerException?.ToString() ?? string.Empty);
        }
    }
}
