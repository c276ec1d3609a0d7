using System.Net;
using System.Text.Json;
using Platform.Global.Failover;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;

namespace Platform.Global.Drills;

/// <summary>
/// The unplanned region-loss drill: the region is taken away for real (isolated from clients and
/// peers through the chaos layer of its nodes; a region already unreachable is simply lost), each
/// of its namespaces is promoted by the promotion rule, the probes must resume at the new homes,
/// then the region is brought back (restore): it learns the new epoch, moves what it committed past
/// the fork point to the divergent-writes archive and follows the new home. The figures come from
/// the probes and the archive: the RTO (loss to the first write accepted at the new home), the
/// realized RPO (the oldest acknowledged write that did not survive, to the loss) and the count of
/// those writes; every accepted probe write that did not survive must be in the archive.
/// </summary>
public sealed partial class DrillRunner
{
    private async Task RegionLossAsync(DrillReport report, string lost, IReadOnlyList<CatalogEntry> namespaces, Dictionary<string, ProbeWriter> probes, CancellationToken cancellationToken)
    {
        // Asked even when it looks unreachable: a region cut off from the others still takes this
        // route, and healing it later undoes the cut too. Only a region no node of which answers is lost already.
        var isolated = false;
        var lossAt = await report.PhaseAsync($"take {lost} away", async () =>
        {
            isolated = await ChaosAsync(lost, "isolate", cancellationToken);
            return (BootClock.Now, isolated ? $"{lost} isolated from its clients and the other regions (chaos)" : $"{lost} was unreachable already");
        });
        var lossWall = DateTimeOffset.UtcNow;

        var promoted = await report.PhaseAsync("promote", async () =>
        {
            var results = await Task.WhenAll(namespaces.Select(async planned =>
            {
                try
                {
                    var entry = await catalog.FindAsync(planned.Name, cancellationToken) ?? throw Regional.Api.Problems.ApiProblemException.NamespaceNotFound(planned.Name);
                    return (Entry: entry, Result: await promotion.PromoteAsync(entry, cancellationToken), Problem: (string?)null);
                }
                catch (Regional.Api.Problems.ApiProblemException failed)
                {
                    return (Entry: planned, Result: (PromotionResult?)null, Problem: failed.Message);
                }
            }));
            return (results, string.Join("; ", results.Select(r => r.Result is { } p
                ? $"{p.Namespace}: {p.NewHome} in epoch {p.NewEpoch}, fork point {p.ForkRevision}"
                : $"{r.Entry.Name}: {r.Problem}")));
        });

        var resumed = await report.PhaseAsync("resume", async () =>
        {
            var firsts = new Dictionary<string, ProbeWrite?>(StringComparer.Ordinal);
            foreach (var (entry, result, _) in promoted.Where(p => p.Result is not null))
            {
                firsts[entry.Name] = await WaitResumedAsync(probes[entry.Name], lossAt, result!.NewEpoch, cancellationToken);
            }

            return (firsts, string.Join("; ", firsts.Select(f => f.Value is { } w
                ? $"{f.Key}: first write accepted {(w.AcceptedAt - lossAt).TotalMilliseconds:0} ms after the loss"
                : $"{f.Key}: no write accepted within {ResumeDeadline.TotalSeconds:0} s")));
        });

        var restoredAt = await report.PhaseAsync($"restore {lost}", async () =>
        {
            if (!isolated)
            {
                // Lost for real (not by this drill): it restores itself when it returns, archiving
                // what it held past the fork points then.
                return (BootClock.Now, $"{lost} is still unreachable: it follows the new homes and archives what it held past the fork points when it returns");
            }

            if (!await ChaosAsync(lost, "heal", cancellationToken))
            {
                throw new InvalidOperationException($"{lost} could not be reached to heal it");
            }

            foreach (var (entry, result, _) in promoted.Where(p => p.Result is not null))
            {
                await WaitFollowedAsync(entry.Name, lost, probes[entry.Name], cancellationToken);
            }

            await WaitArchiveSettledAsync(namespaces, cancellationToken);
            return (BootClock.Now, $"{lost} healed; it follows the new homes and archived what it held past the fork points");
        });

        await report.PhaseAsync("report", async () =>
        {
            await CatalogBarrierAsync(cancellationToken);
            foreach (var (entry, result, problem) in promoted)
            {
                report.Namespace(Figures(entry, result, problem, probes[entry.Name], resumed.GetValueOrDefault(entry.Name), lossAt, lossWall, restoredAt));
            }

            return (0, $"{promoted.Count(p => p.Result is not null)} of {promoted.Length} namespaces promoted");
        });
    }

    /// <summary>One namespace's figures, from its probe and the catalog's divergent-writes archive.</summary>
    private DrillNamespace Figures(CatalogEntry entry, PromotionResult? result, string? problem, ProbeWriter probe, ProbeWrite? resumed, TimeSpan lossAt, DateTimeOffset lossWall, TimeSpan restoredAt)
    {
        if (result is null)
        {
            return new DrillNamespace(entry.Name, entry.HomeRegion!, null, entry.Epoch, null, null, null, null, null, entry.Settings.Rpo.TotalMilliseconds,
                probe.Accepted.Count, probe.Errors, null, null, "fail", problem);
        }

        var archive = catalog.Replica.Read(m => m.Catalog.Divergent(entry.Name).ToList())
            .Where(w => w.Revision > result.ForkRevision && w.Epoch <= result.OldEpoch)
            .ToList();
        var acknowledged = archive.Where(w => w.Acknowledged).ToList();
        var rpo = acknowledged.Count == 0 ? 0 : Math.Max(0, (lossWall - DateTimeOffset.FromUnixTimeMilliseconds(acknowledged.Min(w => w.CommittedAtMs))).TotalMilliseconds);

        // Every write the probe had accepted in the lost epoch past the fork must be in the archive.
        var archived = archive.Select(w => w.Identity).ToHashSet();
        var unaccounted = probe.Accepted.Count(w => w.Epoch == result.OldEpoch && w.Revision > result.ForkRevision && !archived.Contains((w.Revision, w.Key)));
        var within = rpo <= entry.Settings.Rpo.TotalMilliseconds;
        return new DrillNamespace(
            entry.Name, result.OldHome, result.NewHome, result.OldEpoch, result.NewEpoch,
            RtoMs: resumed is null ? null : (resumed.AcceptedAt - lossAt).TotalMilliseconds,
            RpoRealizedMs: rpo,
            LostWrites: acknowledged.Count,
            PausedMs: probe.LongestPause(lossAt, restoredAt).TotalMilliseconds,
            RpoMs: entry.Settings.Rpo.TotalMilliseconds,
            ProbeWrites: probe.Accepted.Count,
            ProbeErrors: probe.Errors,
            ForkRevision: result.ForkRevision,
            UnacknowledgedLost: archive.Count - acknowledged.Count,
            Verdict: within && unaccounted == 0 && resumed is not null ? "pass" : "fail",
            Problem: unaccounted > 0 ? $"{unaccounted} accepted probe writes past the fork point are not in the divergent-writes archive"
                : resumed is null ? "the probe never wrote at the new home"
                : within ? null : $"realized RPO {rpo:0} ms exceeds the configured {entry.Settings.Rpo.TotalMilliseconds:0} ms");
    }

    /// <summary>A linearizable read of the catalog, asked again (up to 30 s) while its group elects a leader, as it may just after a region was taken away or came back.</summary>
    private async Task CatalogBarrierAsync(CancellationToken cancellationToken)
    {
        var until = BootClock.Now + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await router.LinearizableBarrierAsync(catalog.Group, cancellationToken);
                return;
            }
            catch (Regional.Api.Problems.ApiProblemException electing) when (electing.Status == 503 && BootClock.Now < until)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Applies a chaos action on every node of <paramref name="region"/> (through the first of its
    /// nodes that answers): true once applied, false when no node of it answers at all (the region
    /// is lost already). A region that answers but refuses (its nodes run without <c>--chaos</c>)
    /// cannot be taken away by a drill: that fails it.
    /// </summary>
    private async Task<bool> ChaosAsync(string region, string kind, CancellationToken cancellationToken)
    {
        var body = FailoverRoutes.Encode(new ChaosRequest(kind));
        string? refused = null;
        foreach (var peer in Options.Peers.Where(p => p.Region == region))
        {
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(TimeSpan.FromSeconds(5));
                var (status, answer) = await client.PostAsync(peer, FailoverRoutes.ChaosPath, body, bounded.Token);
                if (status == HttpStatusCode.OK)
                {
                    return true;
                }

                refused = $"{peer.Node}: {(int)status} {System.Text.Encoding.UTF8.GetString(answer)}";
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Try the region's next node.
            }
        }

        return refused is null ? false : throw new InvalidOperationException($"could not {kind} {region}: {refused}");
    }

    /// <summary>Waits (up to a minute) until the home reports <paramref name="region"/>'s copy at the probe's newest accepted revision.</summary>
    private static async Task WaitFollowedAsync(string ns, string region, ProbeWriter probe, CancellationToken cancellationToken)
    {
        var wanted = probe.Accepted.Count > 0 ? probe.Accepted[^1].Revision : 0;
        var until = BootClock.Now + ResumeDeadline;
        while (BootClock.Now < until)
        {
            try
            {
                using var shown = await probe.Http.GetAsync(new Uri($"/v1/namespaces/{ns}", UriKind.Relative), cancellationToken);
                if (shown.IsSuccessStatusCode)
                {
                    var rows = JsonDocument.Parse(await shown.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("regions");
                    if (rows.EnumerateArray().Any(r => r.GetProperty("region").GetString() == region && r.GetProperty("appliedRevision").GetInt64() >= wanted))
                    {
                        return;
                    }
                }
            }
            catch (Exception notYet) when (notYet is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                // The home is still taking over: ask again.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{region} did not follow the new home of '{ns}' to revision {wanted} within {ResumeDeadline.TotalSeconds:0} s");
    }

    /// <summary>Waits (up to 10 s) until the namespaces' archives stop growing: the returned region delivers what it dropped on its next rounds.</summary>
    private async Task WaitArchiveSettledAsync(IReadOnlyList<CatalogEntry> namespaces, CancellationToken cancellationToken)
    {
        var until = BootClock.Now + TimeSpan.FromSeconds(10);
        var last = -1;
        var stableSince = BootClock.Now;
        while (BootClock.Now < until)
        {
            await CatalogBarrierAsync(cancellationToken);
            var count = catalog.Replica.Read(m => namespaces.Sum(n => m.Catalog.Divergent(n.Name).Count));
            if (count != last)
            {
                last = count;
                stableSince = BootClock.Now;
            }
            else if (BootClock.Now - stableSince >= TimeSpan.FromSeconds(1.5))
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
