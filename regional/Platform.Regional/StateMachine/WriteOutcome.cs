using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>
/// What a namespace write did, in the few numbers its answer needs. It is also what an idempotency
/// key remembers, so a retry gets exactly the first answer.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record WriteOutcome(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] long Revision,
    [property: Id(2)] MvccErrorCode? Error,
    [property: Id(3)] string? Detail,
    [property: Id(4)] long CreateRevision,
    [property: Id(5)] long ModRevision,
    [property: Id(6)] long Version,
    [property: Id(7)] int Deleted,
    [property: Id(8)] bool Replayed = false)
{
    public static WriteOutcome From(ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var single = result.Events.Count == 1 && result.Events[0].Kind == ChangeKind.Put ? result.Events[0].Current : null;
        return new WriteOutcome(result.Succeeded, result.Revision, result.Error, result.Detail,
            single?.CreateRevision ?? 0, single?.ModRevision ?? 0, single?.Version ?? 0, result.Deleted);
    }
}

/// <summary>What applying one entry produced, handed to whoever proposed it.</summary>
/// <param name="Write">The namespace's answer, for namespace commands.</param>
/// <param name="Problem">Why the command was refused (unknown namespace, bad bytes), for anything else.</param>
public sealed record GroupApplyOutcome(long Index, WriteOutcome? Write, string? Problem = null);
