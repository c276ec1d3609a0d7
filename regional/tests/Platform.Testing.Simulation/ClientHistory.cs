using Platform.Testing.Linearizability;

namespace Platform.Testing.Simulation;

/// <summary>One client operation as the simulator records it, completed or not.</summary>
public sealed class RecordedOperation(int clientId, string key, KvOperationKind kind, string? value, string? expected, long invokedAt)
{
    public int ClientId { get; } = clientId;

    public string Key { get; } = key;

    public KvOperationKind Kind { get; } = kind;

    public string? Value { get; } = value;

    public string? Expected { get; } = expected;

    public long InvokedAt { get; } = invokedAt;

    public KvOutcome? Outcome { get; private set; }

    /// <summary>Called once, when the operation completes, fails or is given up.</summary>
    public Action? Closed { get; set; }

    /// <summary>The operation certainly had no effect (refused, or replaced in the log); it leaves the history.</summary>
    public bool Failed { get; private set; }

    public bool IsOpen => Outcome is null && !Failed && !TimedOut;

    /// <summary>The client stopped waiting: a write may or may not have taken effect.</summary>
    public bool TimedOut { get; private set; }

    public void Complete(long respondedAt, string? readValue, bool casSucceeded)
    {
        if (IsOpen)
        {
            Outcome = new KvOutcome(respondedAt, readValue, casSucceeded);
            Closed?.Invoke();
        }
    }

    public void Fail()
    {
        if (IsOpen)
        {
            Failed = true;
            Closed?.Invoke();
        }
    }

    public void GiveUp()
    {
        if (IsOpen)
        {
            TimedOut = true;
            Closed?.Invoke();
        }
    }

    public KvOperation ToOperation() => new(ClientId, Key, Kind, Value, Expected, InvokedAt, Outcome);
}

/// <summary>The history of a run, for the linearizability checker.</summary>
public sealed class ClientHistory
{
    private readonly List<RecordedOperation> operations = [];

    public int Count => operations.Count;

    public int Completed => operations.Count(o => o.Outcome is not null);

    public IReadOnlyList<RecordedOperation> Open() => [.. operations.Where(o => o.IsOpen)];

    public RecordedOperation Add(RecordedOperation operation)
    {
        operations.Add(operation);
        return operation;
    }

    /// <summary>Completed operations, plus writes of unknown outcome (they may have taken effect at any time after invocation).</summary>
    public IReadOnlyList<KvOperation> ForChecker() => ForChecker(_ => true);

    /// <summary>As <see cref="ForChecker()"/>, of the operations <paramref name="keep"/> keeps.</summary>
    public IReadOnlyList<KvOperation> ForChecker(Func<RecordedOperation, bool> keep) =>
        [.. operations.Where(o => (o.Outcome is not null || (!o.Failed && o.Kind != KvOperationKind.Get)) && keep(o)).Select(o => o.ToOperation())];

    /// <summary>Every operation recorded, in invocation order.</summary>
    public IReadOnlyList<RecordedOperation> All => operations;
}
