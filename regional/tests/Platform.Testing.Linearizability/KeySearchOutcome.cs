namespace Platform.Testing.Linearizability;

/// <summary>
/// The result of searching one key. On a violation, <see cref="LongestDeadEnd"/> is the dead end with the longest
/// possible prefix, which is usually the closest to what went wrong.
/// </summary>
internal sealed record KeySearchOutcome(LinearizabilityVerdict Verdict, DeadEnd? LongestDeadEnd, long Steps);
