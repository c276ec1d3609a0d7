using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Routing;

namespace Platform.Regional.Api.Handlers;

/// <summary>
/// The divergent-writes archive of a namespace, read from this node's catalog replica (no older
/// than the catalog's staleness bound): the archive is catalog state, replicated to every region.
/// </summary>
public sealed class DivergentHandler(NamespaceCatalog catalog) : IRequestHandler<GetDivergent, DivergentWrites>
{
    public async ValueTask<DivergentWrites> Handle(GetDivergent request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = await catalog.FindAsync(request.Namespace, cancellationToken) ?? throw ApiProblemException.NamespaceNotFound(request.Namespace);
        return new DivergentWrites(request.Namespace, catalog.Replica.Read(m => m.Catalog.Divergent(request.Namespace).ToList()));
    }
}
