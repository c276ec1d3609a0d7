using System.Globalization;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Report;
using static Platform.LoadTests.Report.Units;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// Failover drills over and over (loadtests/run.sh drills), on a real `platform up` of 3 regions x 3
/// nodes with an 80 ms WAN and the chaos layer: one local-commit namespace homed in eu-west goes
/// through rounds of (a) a switchover to us-east, (b) the failback to eu-west, (c) the loss of eu-west
/// (promoted where its most advanced copy is, then eu-west is healed) and (d) a switchover from there
/// back to eu-west, so every round starts alike. The figures are the platform's own drill reports,
/// taken through the HTTP API as an operator would: the harness only starts and follows the drills.
/// </summary>
public sealed class DrillsScenario
{
    public const string Regions = "eu-west,us-east,ap-south";
    public const string Home = "eu-west";
    public const string Away = "us-east";
    public const string Namespace = "drill-load";
    public const string Rpo = "5s";
    public const int NodesPerRegion = 3;
    public static readonly TimeSpan WanRoundTrip = TimeSpan.FromMilliseconds(80);
    public static readonly TimeSpan BetweenDrills = TimeSpan.FromSeconds(2);

    /// <summary>The catalog's minimum election timeout; the lease counts its longest, twice that (docs/replication.md).</summary>
    public static readonly TimeSpan ElectionTimeoutMin = TimeSpan.FromSeconds(1);

    /// <summary>The issue's goal for a switchover: writes pause for less than this.</summary>
    public static readonly TimeSpan SwitchoverPauseGoal = TimeSpan.FromSeconds(1);

    /// <summary>What the issue allows a region loss beyond the old home's lease, which the promotion must wait out.</summary>
    public static readonly TimeSpan RegionLossSlack = TimeSpan.FromSeconds(2);

    // Only the drilled namespace, even if others are homed in the region (a constant array, not one per call: CA1861).
    private static readonly string[] Drilled = [Namespace];

    private readonly int rounds;
    private readonly List<DrillRun> runs = [];
    private readonly List<string> notes = [];
    private Dictionary<string, PlatformClient> nodes = [];

    private DrillsScenario(int rounds)
    {
        this.rounds = rounds;
    }

    public static string Command => Invariant($"platform up --regions {Regions} --nodes {NodesPerRegion} --wan-rtt {WanRoundTrip.TotalMilliseconds:0}ms --chaos --base-port 0");

    /// <summary>L = 3 x (2 x the minimum election timeout + the largest RTT): 6.24 s at 80 ms.</summary>
    public static TimeSpan Lease => 3 * (2 * ElectionTimeoutMin + WanRoundTrip);

    public static TimeSpan RegionLossRtoGoal => Lease + RegionLossSlack;

    public static async Task<DrillsReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenario = new DrillsScenario(options.Parameters.DrillRounds);
        Console.WriteLine($"==> drills: {Command}");
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Regions, NodesPerRegion, options.DataRoot,
                ["--wan-rtt", Invariant($"{WanRoundTrip.TotalMilliseconds:0}ms"), "--chaos"], cancellationToken);
            Console.WriteLine(Invariant($"    ready after {up.ReadyAfter.TotalSeconds:F2} s"));
            await scenario.MeasureAsync(up.Cluster, cancellationToken);
            return scenario.Report(machine, options.Parameters, null);
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException
            || (problem is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The drills measured until then stay in the report; the reason the rest were not is the finding.
            Console.Error.WriteLine($"    drills stopped: {problem.Message}");
            return scenario.Report(machine, options.Parameters, $"{problem.GetType().Name}: {problem.Message.Split('\n')[0]}");
        }
    }

    private async Task MeasureAsync(ClusterInfo cluster, CancellationToken cancellationToken)
    {
        var clients = cluster.Regions.ToDictionary(r => r.Name, r => new PlatformClient(r.Nodes[0].Endpoint, cluster.AdminToken), StringComparer.Ordinal);
        nodes = clients;
        try
        {
            Console.WriteLine($"==> namespace {Namespace}: local-commit, home {Home}, rpo {Rpo}; waiting for a copy in every other region");
            await DrilledNamespace.CreateAsync(clients[Home], Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Home, Rpo), cancellationToken);
            await DrilledNamespace.WaitCopiesAsync(clients[Home], clients.Where(c => c.Key != Home).ToDictionary(), Namespace, cancellationToken);
            for (var round = 1; round <= rounds; round++)
            {
                await RoundAsync(round, cancellationToken);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The four drills of a round; the last brings the namespace home, wherever the loss promoted it.</summary>
    private async Task RoundAsync(int round, CancellationToken cancellationToken)
    {
        await StepAsync(round, "switchover", DrillRequest.Switchover, Home, Away, cancellationToken);
        await StepAsync(round, "failback", DrillRequest.Switchover, Away, Home, cancellationToken);
        await StepAsync(round, "region loss", DrillRequest.RegionLoss, Home, null, cancellationToken);
        var promoted = await DrilledNamespace.WaitHomeAsync(nodes[Away], Namespace, Home, away: true, cancellationToken);
        await StepAsync(round, "return", DrillRequest.Switchover, promoted.HomeRegion!, Home, cancellationToken);
    }

    /// <summary>
    /// One drill: checks the namespace is where the round expects it, starts the drill at node-1 of the
    /// region that runs it (a switchover runs at the home it moves away from, a region loss outside the
    /// region it takes away: here us-east, which is never taken) and follows it there. A drill that
    /// was refused or did not end <c>done</c> is recorded, and the rounds stop: the namespace's home is
    /// then not what the next drill expects.
    /// </summary>
    private async Task StepAsync(int round, string step, string kind, string from, string? to, CancellationToken cancellationToken)
    {
        if (runs.Count > 0)
        {
            await Task.Delay(BetweenDrills, cancellationToken);
        }

        var before = await DrilledNamespace.WaitHomeAsync(nodes[Away], Namespace, from, away: false, cancellationToken);
        var runsAt = kind == DrillRequest.Switchover ? from : Away;
        var runner = nodes[runsAt];
        Console.WriteLine($"==> round {round}/{rounds}, {step}: {kind} of {from}{(to is null ? string.Empty : " to " + to)} (epoch {before.Epoch}), run at {runsAt} ({runner.Endpoint})");
        DrillStarted started;
        try
        {
            started = await runner.StartDrillAsync(new DrillRequest(kind, from, to, Drilled), cancellationToken);
        }
        catch (PlatformProblemException refused)
        {
            runs.Add(new DrillRun(round, step, kind, null, from, to, before.Epoch, null, null, null, null, null, null, null, null, "refused", null, refused.Message, null));
            throw new InvalidOperationException($"round {round}, {step}: POST /v1/drills was refused ({refused.Message}); the remaining drills were not run", refused);
        }

        var report = await DrillFollower.FollowAsync(runner, started.Id, cancellationToken);
        var run = Run(round, step, kind, from, to, report);
        runs.Add(run);
        Console.WriteLine($"    {run.Id}: {run.State}, verdict {run.Verdict ?? "none"}; {run.From} -> {run.To ?? "none"}, epoch {run.OldEpoch} -> {run.NewEpoch}; " +
            $"pause {Ms(run.PausedMs)}, RTO {Ms(run.RtoMs)}, lost {run.LostWrites?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}" +
            (kind == DrillRequest.RegionLoss ? $", realized RPO {Ms(run.RpoRealizedMs)}, promote {Ms(run.PromoteMs)}" : string.Empty) +
            (run.Problem is { } problem ? $" ({problem})" : string.Empty));
        if (run.State != "done")
        {
            throw new InvalidOperationException($"round {round}, {step}: drill {run.Id} ended {run.State} ({run.Problem ?? "no reason given"}); the remaining drills were not run");
        }

        if (kind == DrillRequest.RegionLoss && run.To is { } promoted && promoted != runsAt)
        {
            // The promotion prefers the region that runs it only among equally advanced copies.
            notes.Add($"Round {round}, region loss (drill {run.Id}): promoted to {promoted}, not {runsAt} where the drill ran: {promoted}'s copy was the more advanced.");
        }
    }

    /// <summary>The drilled namespace's figures out of the drill's report, and the report itself.</summary>
    private static DrillRun Run(int round, string step, string kind, string from, string? to, DrillReport report)
    {
        var figures = report.Namespaces.FirstOrDefault(n => n.Namespace == Namespace);
        var promote = kind == DrillRequest.RegionLoss ? report.Phases.FirstOrDefault(p => p.Name == "promote")?.DurationMs : null;
        var problems = new[] { figures?.Problem, report.Problem }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return new DrillRun(
            round, step, kind, report.Id, from, figures?.NewHome ?? to,
            figures?.OldEpoch, figures?.NewEpoch,
            figures?.PausedMs, figures?.RtoMs, figures?.LostWrites, figures?.RpoRealizedMs, promote,
            figures?.ProbeWrites, figures?.ProbeErrors,
            report.State, report.Verdict, problems.Count == 0 ? null : string.Join("; ", problems), report);
    }

    private static string Ms(double? milliseconds) => milliseconds is { } ms ? Units.Ms(ms) : "n/a";

    private DrillsReport Report(MachineInfo machine, RunParameters parameters, string? failure)
    {
        var switchovers = runs.Where(r => r.Kind == DrillRequest.Switchover).ToList();
        var losses = runs.Where(r => r.Kind == DrillRequest.RegionLoss).ToList();
        return new DrillsReport(
            machine,
            parameters,
            Command,
            Namespace,
            Home,
            Lease.TotalMilliseconds,
            SwitchoverPauseGoal.TotalMilliseconds,
            RegionLossRtoGoal.TotalMilliseconds,
            [
                FigureSummary.Of("write pause", "ms", switchovers.Select(r => r.PausedMs), SwitchoverPauseGoal.TotalMilliseconds),
                FigureSummary.Of("RTO", "ms", switchovers.Select(r => r.RtoMs)),
                FigureSummary.Of("lost writes", "writes", switchovers.Select(r => (double?)r.LostWrites)),
            ],
            [
                FigureSummary.Of("RTO", "ms", losses.Select(r => r.RtoMs), RegionLossRtoGoal.TotalMilliseconds),
                FigureSummary.Of("write pause", "ms", losses.Select(r => r.PausedMs)),
                FigureSummary.Of("lost writes", "writes", losses.Select(r => (double?)r.LostWrites)),
                FigureSummary.Of("realized RPO", "ms", losses.Select(r => r.RpoRealizedMs)),
                FigureSummary.Of("promote phase", "ms", losses.Select(r => r.PromoteMs)),
            ],
            runs,
            notes,
            failure);
    }
}
