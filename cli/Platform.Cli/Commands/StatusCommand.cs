using System.CommandLine;
using System.Globalization;
using Platform.Cli.Connection;
using Platform.Cli.Output;
using Platform.Client.Models;

namespace Platform.Cli.Commands;

/// <summary><c>platform status</c>: what the answering node sees of its groups, namespaces and regions.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var connection = new ClientOptions();
        var format = OutputFormat.Create("the answer of GET /v1/status");
        var command = new Command("status", "Show the node's consensus groups, namespaces and regions.") { format };
        connection.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var status = await client.GetStatusAsync(ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, status);
            }
            else
            {
                Write(output, status);
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    internal static void Write(TextWriter output, StatusInfo status)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(status);
        TextTable.WriteFields(output, [("region", status.Region), ("node", status.Node)]);
        output.WriteLine();
        TextTable.Write(output, ["GROUP", "LEADER", "TERM", "COMMIT", "APPLIED", "MEMBERS"],
            (status.Groups ?? []).Select(g => (IReadOnlyList<string>)[
                Text(g.Id),
                g.Leader ?? "(none)",
                Text(g.Term),
                Text(g.CommitIndex),
                Text(g.AppliedIndex),
                string.Join(' ', (g.Members ?? []).Select(m => $"{m.Node}({m.Role},{Text(m.Match)})"))]));
        output.WriteLine();
        TextTable.Write(output, ["NAMESPACE", "GROUP", "MODE", "HOME", "EPOCH"],
            (status.Namespaces ?? []).Select(n => (IReadOnlyList<string>)[n.Name, Text(n.Group), n.Mode ?? "-", n.HomeRegion ?? "-", Text(n.Epoch)]));
        output.WriteLine();
        TextTable.Write(output, ["REGION", "REACHABLE", "RTT-MS"],
            (status.Regions ?? []).Select(r => (IReadOnlyList<string>)[r.Name, r.Reachable ? "yes" : "no", r.RttMs?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"]));
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
