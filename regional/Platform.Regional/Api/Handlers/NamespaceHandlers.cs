using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Security;
using Platform.Regional.Service;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Api.Handlers;

/// <summary>
/// The region's namespaces. Until the global layer connects the regions, a namespace exists in
/// the region it was created in; its settings are kept in its group's state.
/// </summary>
public sealed class NamespaceHandlers(GroupRouter router, NamespaceAccess namespaces)
    : IRequestHandler<PutNamespace, NamespaceView>, IRequestHandler<GetNamespace, NamespaceView>,
      IRequestHandler<DeleteNamespace, NamespaceView>, IRequestHandler<ListNamespaces, IReadOnlyList<NamespaceView>>
{
    public async ValueTask<NamespaceView> Handle(PutNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        var settings = request.ToSettings();
        var group = namespaces.GroupFor(ns, settings);
        await router.LinearizableBarrierAsync(group, cancellationToken);
        var existing = namespaces.View(ns);
        if (existing is not null && (existing.Settings.Mode != settings.Mode || existing.Settings.HomeRegion != settings.HomeRegion))
        {
            // A change of mode or home is a switchover, which needs the regions connected (global layer).
            throw ApiProblemException.InvalidRequest($"namespace '{ns}' is {existing.Settings.Mode} homed in {existing.Settings.HomeRegion ?? "no region"}; changing mode or home region is a switchover, not available in a single region");
        }

        var reply = await router.ProposeAsync(group, new CreateNamespaceCommand(ns, settings), cancellationToken);
        if (reply.Problem is { } problem)
        {
            throw ApiProblemException.InvalidRequest(problem);
        }

        // The leader applied it; wait for this node's replica too, so the answer shows the namespace.
        // If this node lags, the change is still done: answer from what was committed.
        await router.Local(group).WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken);
        var view = namespaces.View(ns) ?? new NamespaceView(ns, settings, group, 0, 0, 0, 0);
        return view with { Created = existing is null };
    }

    public async ValueTask<NamespaceView> Handle(GetNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await namespaces.RequireAsync(request.Namespace, Consistency.Linearizable, cancellationToken);
        return namespaces.View(request.Namespace) ?? throw ApiProblemException.NamespaceNotFound(request.Namespace);
    }

    public async ValueTask<NamespaceView> Handle(DeleteNamespace request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ns = request.Namespace;
        await namespaces.RequireAsync(ns, Consistency.Linearizable, cancellationToken);
        var view = namespaces.View(ns) ?? throw ApiProblemException.NamespaceNotFound(ns);
        var reply = await router.ProposeAsync(namespaces.GroupOf(ns), new DeleteNamespaceCommand(ns), cancellationToken);
        return reply.Problem is null ? view : throw ApiProblemException.NamespaceNotFound(ns);
    }

    public async ValueTask<IReadOnlyList<NamespaceView>> Handle(ListNamespaces request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var views = new List<NamespaceView>();
        IEnumerable<ulong> groups = [.. Enumerable.Range(0, router.Node.Groups).Select(g => (ulong)g)];
        if (router.Global is { } global)
        {
            groups = groups.Append(global.StrongGlobalGroup);
        }

        foreach (var group in groups)
        {
            await router.LinearizableBarrierAsync(group, cancellationToken);
            var names = router.Local(group).Read(m => m.Namespaces.ToList());
            views.AddRange(names.Where(n => request.Caller.Holds(n, Role.Reader)).Select(namespaces.View).OfType<NamespaceView>());
        }

        return [.. views.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }
}
