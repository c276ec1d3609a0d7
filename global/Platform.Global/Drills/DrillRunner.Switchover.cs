using System.Net;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;

namespace Platform.Global.Drills;

/// <summary>
/// The planned switchover drill: each namespace in turn moves by the switchover of
/// docs/architecture.md (Switchover) while its probe writes on; afterwards every write the probe had accepted must be
/// at the new home (the lost writes: zero, or the verdict fails). The write pause is the longest
/// time the probe went without an accepted write; the RTO is from the start of the switchover to the
/// first write accepted in the new epoch.
/// </summary>
public sealed partial class DrillRunner
{
    private async Task SwitchoverAsync(DrillReport report, string target, IReadOnlyList<CatalogEntry> namespaces, Dictionary<string, ProbeWriter> probes, CancellationToken cancellationToken)
    {
        foreach (var planned in namespaces)
        {
            var ns = planned.Name;
            var probe = probes[ns];
            var entry = await catalog.FindAsync(ns, cancellationToken) ?? throw ApiProblemException.NamespaceNotFound(ns);
            var start = BootClock.Now;
            CatalogEntry? moved = null;
            string? problem = null;
            try
            {
                moved = await report.PhaseAsync($"switchover {ns}", async () =>
                {
                    var done = await mover.SwitchoverAsync(entry, target, cancellationToken);
                    return (done, $"{entry.HomeRegion} (epoch {entry.Epoch}) -> {done.HomeRegion} (epoch {done.Epoch})");
                });
            }
            catch (ApiProblemException failed)
            {
                problem = failed.Message;
            }

            var resumed = moved is null ? null : await WaitResumedAsync(probe, start, moved.Epoch, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            await probe.StopAsync();
            var end = BootClock.Now;
            var missing = await report.PhaseAsync($"verify {ns}", async () =>
            {
                var lost = await MissingAsync(ns, probe, cancellationToken);
                return (lost, $"{probe.Accepted.Count} probe writes accepted, {lost.Count} of them missing at {moved?.HomeRegion ?? entry.HomeRegion}");
            });
            report.Namespace(new DrillNamespace(
                ns, entry.HomeRegion!, moved?.HomeRegion, entry.Epoch, moved?.Epoch,
                RtoMs: resumed is null ? null : (resumed.AcceptedAt - start).TotalMilliseconds,
                RpoRealizedMs: missing.Count == 0 ? 0 : Math.Max(0, (start - missing.Min(m => m.AcceptedAt)).TotalMilliseconds),
                LostWrites: missing.Count,
                PausedMs: probe.LongestPause(start, end).TotalMilliseconds,
                RpoMs: entry.Settings.Rpo.TotalMilliseconds,
                ProbeWrites: probe.Accepted.Count,
                ProbeErrors: probe.Errors,
                ForkRevision: null,
                UnacknowledgedLost: null,
                Verdict: problem is null && missing.Count == 0 ? "pass" : "fail",
                Problem: problem ?? (missing.Count > 0 ? $"{missing.Count} accepted probe writes are missing at the new home" : null)));
        }
    }

    /// <summary>Waits (up to a minute) until the probe has a write accepted in <paramref name="epoch"/> after <paramref name="since"/>.</summary>
    private static async Task<ProbeWrite?> WaitResumedAsync(ProbeWriter probe, TimeSpan since, long epoch, CancellationToken cancellationToken)
    {
        var until = BootClock.Now + ResumeDeadline;
        while (BootClock.Now < until)
        {
            if (probe.FirstAcceptedAfter(since, epoch) is { } first)
            {
                return first;
            }

            await Task.Delay(ProbeWriter.Interval, cancellationToken);
        }

        return null;
    }

    /// <summary>The accepted probe writes a linearizable read at the home no longer finds.</summary>
    private static async Task<IReadOnlyList<ProbeWrite>> MissingAsync(string ns, ProbeWriter probe, CancellationToken cancellationToken)
    {
        var missing = new List<ProbeWrite>();
        foreach (var write in probe.Accepted)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var read = await probe.Http.GetAsync(new Uri($"/v1/ns/{ns}/kv/{write.Key}", UriKind.Relative), cancellationToken);
                if (read.StatusCode == HttpStatusCode.NotFound)
                {
                    missing.Add(write);
                    break;
                }

                if (read.IsSuccessStatusCode)
                {
                    break;
                }

                if (attempt == 20)
                {
                    throw new TimeoutException($"could not read {write.Key} of '{ns}' to verify it ({(int)read.StatusCode})");
                }

                // Refused while the new home takes over: ask again.
                await Task.Delay(100, cancellationToken);
            }
        }

        return missing;
    }
}
