using Microsoft.Extensions.Logging;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;

namespace Platform.Global.Moves;

/// <summary>
/// A mode change (docs/architecture.md, Mode change: the switchover's rule applied to groups, the state
/// at r_f copied into the target group), run in the region whose group the namespace leaves or enters: at the home for
/// <c>local-commit</c> to <c>strong-global</c>, at the new home for the way back.
/// <list type="number">
/// <item>commit the move in the catalog (a home's lease stops covering the namespace);</item>
/// <item>freeze the namespace in its group at once, as a switchover does: the state at the freeze
/// revision <c>r_f</c> is final (later writes are refused at apply, linearizable reads that find
/// the freeze are refused);</item>
/// <item>install that state in the target group as a copy (the strong-global group, which every
/// region replicates, or this region's group by the name's hash): the drain;</item>
/// <item>compare-and-swap the mode, settings and group in the catalog, in the next epoch;</item>
/// <item>promote the copy into that epoch and drop the frozen source (the replicator finishes
/// both should this node stop in between: <see cref="ModeChangeRules"/>).</item>
/// </list>
/// Before the compare-and-swap, a failure aborts: the catalog records it, then the source is unfrozen.
/// </summary>
public sealed partial class NamespaceMover
{
    public async Task<CatalogEntry> ChangeModeAsync(CatalogEntry entry, NamespaceSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(settings);
        var global = router.Global ?? throw ApiProblemException.InvalidRequest("changing a namespace's mode needs linked regions");
        var toStrong = settings.Mode == NamespaceMode.StrongGlobal;
        var runsHere = toStrong ? entry.HomeRegion == options.Region : settings.HomeRegion == options.Region;
        if (entry.Mode == settings.Mode || !runsHere)
        {
            throw ApiProblemException.InvalidRequest(
                $"a change of '{entry.Name}' to {NamespaceText.Mode(settings.Mode)} runs in {(toStrong ? entry.HomeRegion : settings.HomeRegion)}, not in {options.Region}");
        }

        var ns = entry.Name;
        var source = entry.Group;
        var target = toStrong ? global.StrongGlobalGroup : Regional.Namespaces.NamespacePlacement.GroupOf(ns, router.Node.Groups);
        var moving = await BeginAsync(entry, toStrong ? CatalogEntry.ToStrongGlobal : options.Region, cancellationToken);
        LogModeChangeBegun(logger, ns, settings.Mode, entry.Epoch);
        CatalogEntry changed;
        try
        {
            var snapshot = await FreezeAsync(ns, source, entry.Epoch, moving.Version, cancellationToken);
            await ProposeAsync(target, new DeleteNamespaceCommand(ns, entry.Epoch), "clearing", allowProblem: true, cancellationToken);
            await ProposeAsync(target, new InstallNamespaceSnapshotCommand(ns, settings, snapshot, Replace: true), "copying", allowProblem: false, cancellationToken);
            changed = await ChangeInCatalogAsync(ns, new ChangeModeCommand(ns, settings, target, moving.Version), entry.Epoch, cancellationToken);
        }
        catch (Exception failed) when (failed is TimeoutException or InvalidOperationException or HttpRequestException or ApiProblemException)
        {
            await AbortAsync(ns, entry, failed.Message);
            await TryProposeAsync(target, new DeleteNamespaceCommand(ns, entry.Epoch));
            throw ApiProblemException.NotCaughtUp($"the change of '{ns}' to {NamespaceText.Mode(settings.Mode)} was aborted ({failed.Message}); nothing changed");
        }

        LogModeChanged(logger, ns, changed.Mode, changed.Epoch, changed.Group);
        await TryProposeAsync(target, new PromoteCopyCommand(ns, changed.Settings, changed.Epoch));
        await TryProposeAsync(source, new DeleteNamespaceCommand(ns, entry.Epoch));
        return changed;
    }

    /// <summary>Freezes the namespace in its group and returns its state at the freeze (final: every later write is refused at apply).</summary>
    private async Task<byte[]> FreezeAsync(string ns, ulong group, long epoch, long moveVersion, CancellationToken cancellationToken)
    {
        var freeze = await router.ProposeAsync(group, new FenceNamespaceCommand(ns, epoch, moveVersion), cancellationToken);
        if (freeze.Write?.Revision is not { } revision)
        {
            throw new InvalidOperationException(freeze.Problem ?? "the freeze reported no revision");
        }

        var replica = router.Local(group);
        if (!await replica.WaitAppliedAsync(freeze.Index, router.Node.RequestTimeout, cancellationToken))
        {
            throw new TimeoutException($"this node did not apply the freeze of '{ns}' in time");
        }

        LogModeFrozen(logger, ns, revision, group);
        return replica.Read(m => m.NamespaceSnapshot(ns)) ?? throw new InvalidOperationException($"group {group} holds no data of '{ns}'");
    }

    /// <summary>The catalog's compare-and-swap to the new mode, settled through lost answers.</summary>
    private Task<CatalogEntry> ChangeInCatalogAsync(string ns, ChangeModeCommand change, long epoch, CancellationToken cancellationToken) =>
        steps.SettleAsync(ns, e => e.Epoch > epoch && e.Mode == change.Settings.Mode, e =>
            e.Epoch == epoch && e.Version == change.ExpectedVersion
                ? change
                : throw new InvalidOperationException($"'{ns}' changed during its mode change (epoch {e.Epoch}, version {e.Version})"), cancellationToken);

    private async Task ProposeAsync(ulong group, GroupCommand command, string step, bool allowProblem, CancellationToken cancellationToken)
    {
        var reply = await router.ProposeAsync(group, command, cancellationToken);
        if (reply.Problem is { } problem && !allowProblem)
        {
            throw new InvalidOperationException($"{step} in group {group}: {problem}");
        }
    }

    /// <summary>Best effort: what is left behind is removed by the replicator (<see cref="ModeChangeRules"/>).</summary>
    private async Task TryProposeAsync(ulong group, GroupCommand command)
    {
        using var bounded = time.Within(TimeSpan.FromSeconds(10), CancellationToken.None);
        try
        {
            await router.ProposeAsync(group, command, bounded.Token);
        }
        catch (Exception failed) when (failed is ApiProblemException or OperationCanceledException or HttpRequestException or TimeoutException)
        {
            LogLeftBehind(logger, command.GetType().Name, group, failed.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "mode change of '{Namespace}' to {Mode}: revoked (epoch {Epoch})")]
    private static partial void LogModeChangeBegun(ILogger logger, string @namespace, NamespaceMode mode, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "mode change of '{Namespace}': frozen at revision {Revision} in group {Group}")]
    private static partial void LogModeFrozen(ILogger logger, string @namespace, long revision, ulong group);

    [LoggerMessage(Level = LogLevel.Information, Message = "mode change of '{Namespace}': now {Mode} in epoch {Epoch}, group {Group}")]
    private static partial void LogModeChanged(ILogger logger, string @namespace, NamespaceMode mode, long epoch, ulong group);

    [LoggerMessage(Level = LogLevel.Information, Message = "left {Command} in group {Group} to the replicator: {Reason}")]
    private static partial void LogLeftBehind(ILogger logger, string command, ulong group, string reason);
}
