using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Platform.Cli.Connection;
using Platform.Cli.Output;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform drill switchover|region-loss|show|ls</c>: failover drills (docs/api.md,
/// <c>/v1/drills</c>). A drill command starts the drill, prints its phases as they finish and then
/// the report; it exits 0 when the verdict is <c>pass</c>, 1 when it is <c>fail</c> or the drill
/// failed. <c>--html FILE</c> also saves the self-contained report page.
/// </summary>
public static class DrillCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var connection = new ClientOptions();
        var command = new Command("drill", "Rehearse losing a region: planned switchovers and region loss, with reports.")
        {
            Start(connection, DrillRequest.Switchover, "Move the local-commit namespaces homed in a region (or those named) to another region by switchover."),
            Start(connection, DrillRequest.RegionLoss, "Take a region away (isolated through the chaos layer when it runs with --chaos), promote its namespaces elsewhere, then bring it back."),
            Show(connection),
            List(connection),
        };
        connection.AddTo(command);
        return command;
    }

    private static Option<string> Output() => OutputFormat.Create("the report as GET /v1/drills/{id} answers");

    private static Option<string?> Html() => new("--html") { Description = "Also save the report as a self-contained HTML page to this file." };

    private static Command Start(ClientOptions connection, string kind, string description)
    {
        var region = new Option<string>("--region") { Description = "The region the drill moves namespaces away from (or takes away).", Required = true };
        var target = new Option<string?>("--target") { Description = "The region to move to (switchover: required; region loss: where the drill runs)." };
        target.Required = kind == DrillRequest.Switchover;
        var namespaces = new Option<string[]>("--ns") { Description = "Only these namespaces (repeat the option); default: every local-commit namespace homed in --region.", AllowMultipleArgumentsPerToken = true };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the drill's id and return; follow it with `platform drill show ID`." };
        var output = Output();
        var html = Html();
        var command = new Command(kind, description) { region, target, namespaces, noWait, output, html };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, stdout, stderr, ct) =>
        {
            var asked = parseResult.GetValue(namespaces);
            var started = await client.StartDrillAsync(
                new DrillRequest(kind, parseResult.GetValue(region)!, parseResult.GetValue(target), asked is { Length: > 0 } ? asked : null), ct);
            if (parseResult.GetValue(noWait))
            {
                await stdout.WriteLineAsync(started.Id);
                return ExitCodes.Ok;
            }

            var json = parseResult.GetValue(output) == OutputFormat.Json;
            var report = await FollowAsync(client, started.Id, json ? stderr : stdout, ct);
            return await FinishAsync(client, report, json, parseResult.GetValue(html), stdout, ct);
        }, cancellationToken));
        return command;
    }

    private static Command Show(ClientOptions connection)
    {
        var id = new Argument<string>("ID") { Description = "The drill's id (from `platform drill ls`)." };
        var output = Output();
        var html = Html();
        var command = new Command("show", "Show a drill's report.") { id, output, html };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, stdout, _, ct) =>
        {
            var report = await client.GetDrillAsync(parseResult.GetValue(id)!, ct);
            return await FinishAsync(client, report, parseResult.GetValue(output) == OutputFormat.Json, parseResult.GetValue(html), stdout, ct);
        }, cancellationToken));
        return command;
    }

    private static Command List(ClientOptions connection)
    {
        var output = OutputFormat.Create("the answer of GET /v1/drills");
        var command = new Command("ls", "List the drills, newest first.") { output };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, stdout, _, ct) =>
        {
            var all = await client.ListDrillsAsync(ct);
            if (parseResult.GetValue(output) == OutputFormat.Json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(all, Json));
                return ExitCodes.Ok;
            }

            TextTable.Write(stdout, ["ID", "KIND", "REGION", "TARGET", "STATE", "VERDICT", "STARTED"],
                all.Select(d => (IReadOnlyList<string>)[d.Id, d.Kind, d.Region, d.Target ?? "-", d.State, d.Verdict ?? "-", d.StartedAt.ToString("u", CultureInfo.InvariantCulture)]));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// Polls the report until the drill ends: on a terminal a live bar per phase (the running one
    /// pulsing, finished ones with their duration); elsewhere one line per phase once it has finished.
    /// </summary>
    private static async Task<DrillReport> FollowAsync(PlatformClient client, string id, TextWriter progress, CancellationToken cancellationToken)
    {
        if (Terminal.IsInteractive(progress))
        {
            return await DrillProgress.FollowAsync(Terminal.For(progress, interactive: true), id, ct => client.GetDrillAsync(id, ct), Poll, cancellationToken);
        }

        await progress.WriteLineAsync($"drill {id} started");
        var shown = 0;
        while (true)
        {
            var report = await client.GetDrillAsync(id, cancellationToken);
            var finished = report.Phases.TakeWhile(p => p.DurationMs is not null).ToList();
            foreach (var phase in finished.Skip(shown))
            {
                await progress.WriteLineAsync($"  {phase.Name}: {Ms(phase.DurationMs)}{(phase.Detail is { } detail ? $" ({detail})" : string.Empty)}");
            }

            shown = Math.Max(shown, finished.Count);
            if (!report.Running)
            {
                return report;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static async Task<int> FinishAsync(PlatformClient client, DrillReport report, bool json, string? html, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(report, Json));
        }
        else
        {
            Write(stdout, report);
        }

        if (html is not null)
        {
            await File.WriteAllTextAsync(html, await client.GetDrillPageAsync(report.Id, cancellationToken), cancellationToken);
        }

        return report.State == "done" && report.Verdict == "pass" ? ExitCodes.Ok : report.Running ? ExitCodes.Unavailable : ExitCodes.Error;
    }

    internal static void Write(TextWriter output, DrillReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        TextTable.WriteFields(output,
        [
            ("drill", report.Id),
            ("kind", report.Kind),
            ("region", report.Region),
            ("target", report.Target),
            ("state", report.State),
            ("verdict", report.Verdict),
            ("run-by", report.RunBy),
            ("problem", report.Problem),
        ]);
        output.WriteLine();
        TextTable.Write(output, ["NAMESPACE", "OLD-HOME", "NEW-HOME", "EPOCHS", "RTO", "REALIZED-RPO", "RPO", "LOST", "UNACKED-LOST", "PAUSED", "PROBE", "VERDICT"],
            report.Namespaces.Select(n => (IReadOnlyList<string>)[
                n.Namespace, n.OldHome, n.NewHome ?? "-", $"{n.OldEpoch}->{(n.NewEpoch is { } e ? e.ToString(CultureInfo.InvariantCulture) : "-")}",
                Ms(n.RtoMs), Ms(n.RpoRealizedMs), Ms(n.RpoMs), Count(n.LostWrites), Count(n.UnacknowledgedLost), Ms(n.PausedMs),
                $"{n.ProbeWrites} ok/{n.ProbeErrors} err", n.Verdict ?? "-"]));
        foreach (var problem in report.Namespaces.Where(n => n.Problem is not null))
        {
            output.WriteLine($"{problem.Namespace}: {problem.Problem}");
        }

        output.WriteLine();
        TextTable.Write(output, ["PHASE", "STARTED", "DURATION", "DETAIL"],
            report.Phases.Select(p => (IReadOnlyList<string>)[p.Name, p.StartedAt.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), Ms(p.DurationMs), p.Detail ?? string.Empty]));
    }

    private static string Ms(double? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0} ms") : "-";

    private static string Count(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
