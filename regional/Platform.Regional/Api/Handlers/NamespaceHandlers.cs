using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Api.Handlers;

/// <summary>
/// The catalog routes. A namespace exists once its catalog entry is committed (in the catalog's
/// group, which every region of a linked deployment replicates) and its data is created in the
/// group the entry names: the strong-global group, or a group of the home region. A request about
/// a local-commit namespace homed in another region reaches its home before it gets here
/// (<see cref="Routes.HomeForwarding"/>), so data is only ever created where it is written.
/// </summary>
public sealed class NamespaceHandlers(GroupRouter router, NamespaceAccess namespaces, IRegionView regions, INamespaceMover? mover = null)
    : IRequestHandler<PutNamespace, NamespaceView>, IRequestHandler<GetNamespace, NamespaceView>,
      IRequestHandler<DeleteNamespace, NamespaceView>, IRequestHandler<ListNamespaces, IReadOnlyList<NamespaceView>>
{
    public async ValueTask<NamespaceView> Handle(PutNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        var settings = request.ToSettings();
        if (settings.HomeRegion is { } home && !regions.Regions.Any(r => r.Name == home))
        {
            throw ApiProblemException.InvalidRequest($"'{home}' is not a region of this deployment ({string.Join(", ", regions.Regions.Select(r => r.Name))})");
        }

        var existing = mover is not null ? await namespaces.Catalog.FindAsync(ns, cancellationToken) : null;
        if (mover is not null && existing is not null && existing.Mode != settings.Mode)
        {
            // A mode change, run where the data leaves its home or gets one (requests reach it there).
            var changed = await mover.ChangeModeAsync(existing, settings, cancellationToken);
            await namespaces.WaitServedAsync(changed, cancellationToken);
            return namespaces.View(changed);
        }

        if (mover is not null && existing is not null
            && existing.Mode == NamespaceMode.LocalCommit && settings.Mode == NamespaceMode.LocalCommit && existing.HomeRegion != settings.HomeRegion)
        {
            // A new home: the switchover, run here at the current home (requests reach it there).
            namespaces.RequireWritableHere(ns, existing.Settings);
            var moved = await mover.SwitchoverAsync(existing, settings.HomeRegion!, cancellationToken);
            if (moved.Settings != settings with { HomeRegion = moved.HomeRegion })
            {
                (moved, _) = await namespaces.Catalog.PutAsync(ns, settings, moved.Group, cancellationToken);
            }

            return namespaces.View(moved);
        }

        var (entry, created) = await namespaces.Catalog.PutAsync(ns, settings, namespaces.GroupFor(ns, settings), cancellationToken);
        if (settings.AcceptsWritesIn(router.Node.Region))
        {
            // Returns once the namespace is writable: its data exists in its group.
            await namespaces.CreateDataAsync(entry, cancellationToken);
        }

        return namespaces.View(entry) with { Created = created };
    }

    public async ValueTask<NamespaceView> Handle(GetNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = await namespaces.Catalog.FindAsync(request.Namespace, cancellationToken) ?? throw ApiProblemException.NamespaceNotFound(request.Namespace);
        if (entry.Settings.AcceptsWritesIn(router.Node.Region))
        {
            entry = await namespaces.RequireEntryAsync(request.Namespace, Consistency.Linearizable, cancellationToken);
        }

        return namespaces.View(entry);
    }

    public async ValueTask<NamespaceView> Handle(DeleteNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        var entry = await namespaces.Catalog.FindAsync(ns, cancellationToken) ?? throw ApiProblemException.NamespaceNotFound(ns);
        var view = namespaces.View(entry);
        if (!await namespaces.Catalog.DeleteAsync(entry, cancellationToken))
        {
            throw ApiProblemException.NamespaceNotFound(ns);
        }

        // The namespace is gone once the catalog says so; its data follows. Data left behind (this
        // node stopped in between, or it is homed elsewhere) is replaced if the name is created again.
        if (entry.Settings.AcceptsWritesIn(router.Node.Region))
        {
            await router.ProposeAsync(entry.Group, new DeleteNamespaceCommand(ns, entry.Epoch), cancellationToken);
        }

        return view;
    }

    public async ValueTask<IReadOnlyList<NamespaceView>> Handle(ListNamespaces request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entries = await namespaces.Catalog.ListAsync(cancellationToken);
        return [.. entries.Where(e => request.Caller.Holds(e.Name, Role.Reader)).Select(namespaces.View)];
    }
}
