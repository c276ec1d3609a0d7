using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Handlers;

/// <summary>Point reads, listings, history and digests, served from this node's replica after the read's barrier.</summary>
public sealed class KvReadHandlers(NamespaceAccess namespaces)
    : IRequestHandler<GetKey, KeyRead>, IRequestHandler<ListKeys, KeyPage>, IRequestHandler<GetHistory, KeyHistoryPage>, IRequestHandler<GetDigest, NamespaceDigest>
{
    public async ValueTask<KeyRead> Handle(GetKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        await namespaces.RequireAsync(ns, request.Consistency, request.CopyServes, cancellationToken);
        if (request.MinRevision is { } minimum)
        {
            await WaitForRevisionAsync(ns, minimum, request.Wait, cancellationToken);
        }

        return Read(ns, store => new KeyRead(store.Get(request.Key, request.Revision), request.Revision ?? store.Revision));
    }

    public async ValueTask<KeyPage> Handle(ListKeys request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        var cursor = request.PageToken is null ? ((long, string)?)null : PageToken.Parse(request.PageToken);
        await namespaces.RequireAsync(ns, cursor is null ? request.Consistency : Consistency.Serializable, request.CopyServes, cancellationToken);
        if (cursor is { } next)
        {
            // A later page may land on a node that has not applied the first page's revision yet.
            await WaitForRevisionAsync(ns, next.Item1, TimeSpan.FromSeconds(5), cancellationToken);
        }

        return Read(ns, store =>
        {
            var page = store.Range(request.Prefix, request.Limit, cursor?.Item1 ?? store.Revision, cursor?.Item2);
            return new KeyPage(page.Revision, page.Items, page.NextKey is null ? null : PageToken.Create(page.Revision, page.NextKey));
        });
    }

    public async ValueTask<KeyHistoryPage> Handle(GetHistory request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Linearizable at the home; a region's copy answers history as it has it (CopyReads).
        await namespaces.RequireAsync(request.Namespace, Consistency.Linearizable, copyServes: true, cancellationToken);
        return Read(request.Namespace, store => new KeyHistoryPage(store.Revision, store.History(request.Key, request.Limit)));
    }

    public async ValueTask<NamespaceDigest> Handle(GetDigest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        await namespaces.RequireAsync(ns, Consistency.Serializable, cancellationToken);
        if (request.Revision is { } wanted)
        {
            await WaitForRevisionAsync(ns, wanted, TimeSpan.FromSeconds(5), cancellationToken);
        }

        return Read(ns, store =>
        {
            var at = request.Revision ?? store.Revision;
            return new NamespaceDigest(ns, at, Revisions.Epoch(at), store.DigestAt(at));
        });
    }

    /// <summary>Reads the namespace's store under the replica's lock, turning the store's refusals into problems.</summary>
    private T Read<T>(string ns, Func<NamespaceStore, T> read)
    {
        try
        {
            return namespaces.Replica(ns).Read(m => read(m.Namespace(ns) ?? throw ApiProblemException.NamespaceNotFound(ns)));
        }
        catch (MvccException refused)
        {
            throw Translate.Refusal(refused.Code, refused.Message, refused.CompactRevision);
        }
    }

    /// <summary>Waits until this node's copy of the namespace reaches <paramref name="revision"/>, else 503 NotCaughtUp.</summary>
    private async Task WaitForRevisionAsync(string ns, long revision, TimeSpan wait, CancellationToken cancellationToken)
    {
        var replica = namespaces.Replica(ns);
        var deadline = namespaces.Time.Monotonic() + wait;
        while (true)
        {
            // The signal is taken before the check, so an apply between the two still wakes us.
            var applied = replica.NextApply;
            if (replica.Read(m => m.Namespace(ns)?.Revision ?? 0) >= revision)
            {
                return;
            }

            var left = deadline - namespaces.Time.Monotonic();
            if (left <= TimeSpan.Zero)
            {
                throw ApiProblemException.NotCaughtUp($"this region has not applied revision {revision} of '{ns}' yet");
            }

            // Timed out or applied: checked once more by the loop, then answered NotCaughtUp.
            await TimedWait.CompletesWithinAsync(applied, left, namespaces.Time, cancellationToken);
        }
    }
}
