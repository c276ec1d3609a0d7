namespace Platform.LoadTests.Load;

/// <summary>
/// One request of a <see cref="RecordingLoops"/> loop: when it was sent and when its answer had been
/// read (Stopwatch ticks), and how it failed; <see cref="Failure"/> is null when it was acknowledged (2xx).
/// </summary>
public readonly record struct TimedRequest(long SentTicks, long AnsweredTicks, string? Failure)
{
    public bool Acknowledged => Failure is null;
}
