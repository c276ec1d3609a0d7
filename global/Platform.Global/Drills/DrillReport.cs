using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Global.Drills;

/// <summary>One phase of a drill: when it started (UTC), how long it took, and what came of it.</summary>
public sealed record DrillPhase(string Name, DateTimeOffset StartedAt, double? DurationMs, string? Detail);

/// <summary>
/// What a drill did to one namespace. <c>rtoMs</c>: from the loss (or the switchover's start) to the
/// first write the probe had accepted at the new home; <c>rpoRealizedMs</c>: from the oldest
/// acknowledged write that did not survive to the loss (0: nothing lost); <c>lostWrites</c>: how many
/// acknowledged writes did not survive (all of them are in the divergent-writes archive after a
/// region loss); <c>pausedMs</c>: the longest time the probe went without an accepted write.
/// </summary>
public sealed record DrillNamespace(
    string Namespace, string OldHome, string? NewHome, long OldEpoch, long? NewEpoch, double? RtoMs, double? RpoRealizedMs, int? LostWrites,
    double? PausedMs, double RpoMs, int ProbeWrites, int ProbeErrors, long? ForkRevision, int? UnacknowledgedLost, string? Verdict, string? Problem);

/// <summary>
/// A drill's report, as <c>GET /v1/drills/{id}</c> shows it: <c>state</c> <c>running</c> | <c>done</c> |
/// <c>failed</c>, <c>verdict</c> (null until done: <c>pass</c> when every namespace lost nothing beyond
/// its configured RPO, else <c>fail</c>), phases with timings, and per namespace the figures of
/// <see cref="DrillNamespace"/>.
/// </summary>
public sealed record DrillReportView(
    string Id, string Kind, string Region, string? Target, string State, string? Verdict, string RunBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<DrillPhase> Phases, IReadOnlyList<DrillNamespace> Namespaces, string? Problem)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static DrillReportView? Decode(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<DrillReportView>(bytes, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The report of a running drill, changed by its phases (thread-safe) and shown as a <see cref="DrillReportView"/>.</summary>
public sealed class DrillReport(string id, DrillRequest request, string runBy)
{
    private readonly object gate = new();
    private readonly List<DrillPhase> phases = [];
    private readonly Dictionary<string, DrillNamespace> namespaces = new(StringComparer.Ordinal);
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private string state = "running";
    private string? verdict;
    private string? problem;
    private DateTimeOffset? finishedAt;

    public string Id => id;

    /// <summary>Raised after each phase ends (the runner stores the report in the catalog then, so every region shows the progress).</summary>
    public event Action? PhaseEnded;

    /// <summary>Runs <paramref name="act"/> as a phase of the report (its duration noted, its failure too, and rethrown).</summary>
    public async Task<T> PhaseAsync<T>(string name, Func<Task<(T Result, string? Detail)>> act)
    {
        ArgumentNullException.ThrowIfNull(act);
        var started = DateTimeOffset.UtcNow;
        var at = Add(new DrillPhase(name, started, null, null));
        try
        {
            var (result, detail) = await act();
            Set(at, new DrillPhase(name, started, (DateTimeOffset.UtcNow - started).TotalMilliseconds, detail));
            return result;
        }
        catch (Exception failed)
        {
            Set(at, new DrillPhase(name, started, (DateTimeOffset.UtcNow - started).TotalMilliseconds, $"failed: {failed.Message}"));
            throw;
        }
        finally
        {
            PhaseEnded?.Invoke();
        }
    }

    public void Namespace(DrillNamespace figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        lock (gate)
        {
            namespaces[figures.Namespace] = figures;
        }
    }

    public DrillNamespace? Namespace(string name)
    {
        lock (gate)
        {
            return namespaces.GetValueOrDefault(name);
        }
    }

    public void Finish(string? failure)
    {
        lock (gate)
        {
            finishedAt = DateTimeOffset.UtcNow;
            problem = failure;
            state = failure is null ? "done" : "failed";
            verdict = failure is null && namespaces.Count > 0 && namespaces.Values.All(n => n.Verdict == "pass") ? "pass" : "fail";
        }
    }

    public DrillReportView View()
    {
        lock (gate)
        {
            return new DrillReportView(id, request.Kind, request.Region, request.Target, state, verdict, runBy, startedAt, finishedAt,
                [.. phases], [.. namespaces.Values.OrderBy(n => n.Namespace, StringComparer.Ordinal)], problem);
        }
    }

    private int Add(DrillPhase phase)
    {
        lock (gate)
        {
            phases.Add(phase);
            return phases.Count - 1;
        }
    }

    private void Set(int at, DrillPhase phase)
    {
        lock (gate)
        {
            phases[at] = phase;
        }
    }
}
