using System.Diagnostics;
using Mediator;
using Platform.Regional.Api.Requests;
using Platform.Regional.Namespaces;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Handlers;

/// <summary>Puts, deletes, transactions and compaction: commands committed through the namespace's group.</summary>
public sealed class KvWriteHandlers(GroupRouter router, NamespaceAccess namespaces, RegionalMetrics metrics, IReplicationGuard? guard = null)
    : IRequestHandler<PutKey, KeyWritten>, IRequestHandler<DeleteKey, KeyDeleted>, IRequestHandler<RunTxn, TxnDone>, IRequestHandler<CompactNamespace, NamespaceCompacted>
{
    public async ValueTask<KeyWritten> Handle(PutKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = new PutCommand(request.Key, request.Value, request.ContentType, Precondition(request.Conditions));
        var write = await CommitAsync(request.Namespace, command, request.Conditions.IdempotencyKey, cancellationToken);
        return new KeyWritten(request.Namespace, request.Key, write.Revision, write.CreateRevision, write.ModRevision, write.Version,
            router.Node.Region, Revisions.Epoch(write.Revision), write.Replayed);
    }

    public async ValueTask<KeyDeleted> Handle(DeleteKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var write = await CommitAsync(request.Namespace, new DeleteCommand(request.Key, Precondition(request.Conditions)), request.Conditions.IdempotencyKey, cancellationToken);
        return new KeyDeleted(write.Revision, write.Deleted);
    }

    public async ValueTask<TxnDone> Handle(RunTxn request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = request.ToCommand();
        var write = await CommitAsync(request.Namespace, command, request.IdempotencyKey, cancellationToken);
        return new TxnDone(write.Succeeded, write.Revision, write.Succeeded ? command.Success : command.Failure, write.Replayed);
    }

    public async ValueTask<NamespaceCompacted> Handle(CompactNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        var entry = await namespaces.RequireEntryAsync(ns, Consistency.Serializable, cancellationToken);
        namespaces.RequireWritableHere(ns, entry.Settings);
        var revision = request.Revision;
        if (guard?.CompactionCeiling(entry) is { } ceiling && ceiling < revision)
        {
            // History a region still needs stays until the most advanced one has it (a region further
            // behind is sent a snapshot).
            revision = ceiling;
        }

        var reply = await router.ProposeAsync(entry.Group, new NamespaceCommand(ns, new CompactCommand(revision), Epoch: entry.Epoch), cancellationToken);
        if (reply.Write is { Error: MvccErrorCode.FutureRevision } future)
        {
            throw Problems.ApiProblemException.InvalidRequest(future.Detail ?? "cannot compact past the namespace's revision");
        }

        var write = WriteAnswers.Outcome(ns, reply);
        var compactRevision = namespaces.Replica(ns).Read(m => m.Namespace(ns)?.CompactRevision ?? 0);
        return new NamespaceCompacted(write.Revision, Math.Max(compactRevision, revision));
    }

    private async Task<WriteOutcome> CommitAsync(string ns, MvccCommand command, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var entry = await namespaces.RequireEntryAsync(ns, Consistency.Serializable, cancellationToken);
        var settings = entry.Settings;
        namespaces.RequireWritableHere(ns, settings);
        var guarded = guard is not null && settings.Mode == NamespaceMode.LocalCommit;
        if (guarded)
        {
            await guard!.BeforeWriteAsync(entry, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        // The proposal time is left for the group's leader to stamp with its own clock; the epoch is
        // the catalog's as this node sees it, so a write routed by a stale view is fenced at apply.
        var reply = await router.ProposeAsync(entry.Group, new NamespaceCommand(ns, command, idempotencyKey, Epoch: entry.Epoch), cancellationToken);
        metrics.CommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("mode", NamespaceText.Mode(settings.Mode)), new KeyValuePair<string, object?>("group", entry.Group));
        if (guarded && reply.Write is not { Error: MvccErrorCode.FencedEpoch })
        {
            try
            {
                guard!.AfterCommit(entry);
            }
            catch (Problems.ApiProblemException) when (reply.Write is { Succeeded: true, Replayed: false } committed)
            {
                await NoteUnacknowledgedAsync(entry.Group, ns, committed.Revision);
                throw;
            }
        }

        return WriteAnswers.Outcome(ns, reply);
    }

    /// <summary>
    /// Best effort: records in the group that this committed write was answered OutcomeUnknown, so
    /// that the divergent-writes archive can say so should it be lost in a failover.
    /// </summary>
    private async Task NoteUnacknowledgedAsync(ulong group, string ns, long revision)
    {
        using var bounded = router.Time.Within(TimeSpan.FromSeconds(2), CancellationToken.None);
        try
        {
            await router.ProposeAsync(group, new NoteUnacknowledgedCommand(ns, revision), bounded.Token);
        }
        catch (Exception failed) when (failed is Problems.ApiProblemException or OperationCanceledException or TimeoutException)
        {
            // Not noted: the archive would call the write acknowledged, the side that overstates a loss.
        }
    }

    private static Precondition Precondition(WriteConditions conditions) => new(conditions.IfModRevision, conditions.CreateOnly);
}
