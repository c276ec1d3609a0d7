namespace Platform.Testing.Linearizability;

public enum LinearizabilityVerdict
{
    /// <summary>Every key has an order of its operations that respects real time and register semantics.</summary>
    Ok,

    /// <summary>Some key has no such order: the system broke linearizability.</summary>
    Violation,

    /// <summary>The search ran out of its step budget before deciding; this is not evidence either way.</summary>
    Unknown,
}
