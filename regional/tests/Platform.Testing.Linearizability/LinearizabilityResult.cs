namespace Platform.Testing.Linearizability;

/// <summary>
/// The checker's answer. <see cref="Key"/> names the key that was not linearizable (or that exhausted the budget);
/// it is null when the verdict is <see cref="LinearizabilityVerdict.Ok"/>. <see cref="Explanation"/> is meant for a
/// developer reading a failed simulation seed.
/// </summary>
public sealed record LinearizabilityResult(LinearizabilityVerdict Verdict, string? Key, string Explanation)
{
    public bool IsOk => Verdict == LinearizabilityVerdict.Ok;
}
