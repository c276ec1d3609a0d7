namespace Platform.LoadTests.Load;

/// <summary>How one operation of a driver ended: acknowledged, refused by a failed comparison (a CAS that lost), or failed.</summary>
public enum OpKind
{
    Ok,
    Conflict,
    Failed,
}

/// <summary>The outcome of one driver operation; <see cref="Failure"/> says what went wrong when it failed.</summary>
public readonly record struct OpOutcome(OpKind Kind, string? Failure = null)
{
    public static OpOutcome Ok { get; } = new(OpKind.Ok);

    public static OpOutcome Conflict { get; } = new(OpKind.Conflict);

    public static OpOutcome Failed(string failure) => new(OpKind.Failed, failure);
}

/// <summary>One operation of a measured loop: worker <paramref name="worker"/>'s <paramref name="iteration"/>-th request.</summary>
public delegate ValueTask<OpOutcome> DriverOperation(int worker, long iteration, CancellationToken cancellationToken);
