using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Routing;

namespace Platform.Regional.Api.Handlers;

/// <summary>Checks a watch's start: the namespace exists and the changes after <c>since</c> are still kept.</summary>
public sealed class WatchHandler(NamespaceAccess namespaces) : IRequestHandler<OpenWatch, WatchStart>
{
    public async ValueTask<WatchStart> Handle(OpenWatch request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        await namespaces.RequireAsync(ns, Consistency.Serializable, cancellationToken);
        var (revision, compacted) = namespaces.Replica(ns).Read(m => m.Namespace(ns) is { } store ? (store.Revision, store.CompactRevision) : (0L, 0L));
        var after = request.Since ?? revision;
        if (after < compacted - 1)
        {
            throw ApiProblemException.Compacted(compacted);
        }

        return new WatchStart(namespaces.GroupOf(ns), after);
    }
}
