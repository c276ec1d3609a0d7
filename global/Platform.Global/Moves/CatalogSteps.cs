using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Moves;

/// <summary>
/// One compare-and-swap step of a move on the catalog, settled even when its answer is lost: the
/// catalog's leader may be in a region being lost or electing, and a lost answer says nothing of
/// whether the step happened. Until <c>done</c> holds on a linearizable read of the entry, the
/// command <c>next</c> builds from the entry as read is proposed again (<c>next</c> throws
/// <see cref="InvalidOperationException"/> when the entry moved on in a way the step cannot follow);
/// a catalog refusal (a lost race) is read again and decided again, up to <see cref="Patience"/>.
/// </summary>
public sealed class CatalogSteps(GroupRouter router, NamespaceCatalog catalog, TimeProvider time)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task<CatalogEntry> SettleAsync(string ns, Func<CatalogEntry, bool> done, Func<CatalogEntry, GroupCommand> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(next);
        var deadline = time.Monotonic() + Patience;
        string? last = null;
        while (time.Monotonic() < deadline)
        {
            try
            {
                await router.LinearizableBarrierAsync(catalog.Group, cancellationToken);
                var current = catalog.Find(ns) ?? throw new InvalidOperationException($"namespace '{ns}' no longer exists");
                if (done(current))
                {
                    return current;
                }

                var reply = await router.ProposeAsync(catalog.Group, next(current), cancellationToken);
                last = reply.Problem;
                if (reply.Problem is null)
                {
                    await catalog.Replica.WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken);
                }
            }
            catch (ApiProblemException unsettled) when (unsettled.Status == 503)
            {
                // No catalog leader yet, or its answer was lost: read again and decide again.
                last = unsettled.Message;
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
        }

        throw new TimeoutException($"the catalog did not settle within {Patience.TotalSeconds:0} s: {last}");
    }
}
