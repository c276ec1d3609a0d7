using System.Diagnostics;
using Mediator;
using Platform.Regional.Api.Requests;
using Platform.Regional.Namespaces;
using Platform.Regional.Observability;
using Platform.Regional.Service;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Handlers;

/// <summary>Puts, deletes, transactions and compaction: commands committed through the namespace's group.</summary>
public sealed class KvWriteHandlers(GroupRouter router, NamespaceAccess namespaces, RegionalMetrics metrics)
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
        await namespaces.RequireAsync(ns, Consistency.Serializable, cancellationToken);
        var reply = await router.ProposeAsync(namespaces.GroupOf(ns), new NamespaceCommand(ns, new CompactCommand(request.Revision)), cancellationToken);
        if (reply.Write is { Error: MvccErrorCode.FutureRevision } future)
        {
            throw Problems.ApiProblemException.InvalidRequest(future.Detail ?? "cannot compact past the namespace's revision");
        }

        var write = WriteAnswers.Outcome(ns, reply);
        var compactRevision = namespaces.Replica(ns).Read(m => m.Namespace(ns)?.CompactRevision ?? 0);
        return new NamespaceCompacted(write.Revision, Math.Max(compactRevision, request.Revision));
    }

    private async Task<WriteOutcome> CommitAsync(string ns, MvccCommand command, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var settings = await namespaces.RequireAsync(ns, Consistency.Serializable, cancellationToken);
        namespaces.RequireWritableHere(ns, settings);
        var group = namespaces.GroupOf(ns);
        var started = Stopwatch.GetTimestamp();
        // The proposal time is left for the group's leader to stamp with its own clock.
        var reply = await router.ProposeAsync(group, new NamespaceCommand(ns, command, idempotencyKey), cancellationToken);
        metrics.CommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("mode", NamespaceText.Mode(settings.Mode)), new KeyValuePair<string, object?>("group", group));
        return WriteAnswers.Outcome(ns, reply);
    }

    private static Precondition Precondition(WriteConditions conditions) => new(conditions.IfModRevision, conditions.CreateOnly);
}
