namespace Platform.Consensus.Tests.Simulation;

/// <summary>A run that broke an invariant or failed to make progress; the message names the seed and the trace.</summary>
public sealed class SimulationFailureException(string message) : Exception(message)
{
}
