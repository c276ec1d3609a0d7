using System.CommandLine;
using System.Globalization;
using Platform.Cli.Connection;
using Platform.Cli.Output;
using Platform.Cli.Up;
using Platform.Client.Models;

namespace Platform.Cli.Commands;

/// <summary><c>platform ns create|get|ls|set|rm</c>: the namespace catalog (docs/api.md, Commands).</summary>
public static class NsCommand
{
    public static Command Create()
    {
        var connection = new ClientOptions();
        var command = new Command("ns", "Create, change, show and remove namespaces.")
        {
            CreateOrSet(connection, "create", "Create a namespace.", modeRequired: true),
            Get(connection),
            List(connection),
            CreateOrSet(connection, "set", "Change a namespace: the options given replace the current ones (a new mode or home region is a switchover).", modeRequired: false),
            Remove(connection),
        };
        connection.AddTo(command);
        return command;
    }

    private static Argument<string> Namespace() => new("NS") { Description = "The namespace: lowercase letters, digits and dashes." };

    /// <summary>The options of <c>ns create</c> and <c>ns set</c>, which both PUT the namespace.</summary>
    private sealed class SpecOptions
    {
        public SpecOptions(bool modeRequired)
        {
            Mode.Required = modeRequired;
            Mode.AcceptOnlyFromAmong(NamespaceSpec.LocalCommit, NamespaceSpec.StrongGlobal);
            RpoPolicy.AcceptOnlyFromAmong("alert", "throttle", "reject");
            Rpo.Validators.Add(result =>
            {
                if (!DurationText.TryParse(result.GetValueOrDefault<string?>(), out _))
                {
                    result.AddError("--rpo: expected a duration such as 500ms, 5s or 1m.");
                }
            });
        }

        public Option<string?> Mode { get; } = new("--mode") { Description = "local-commit (commit in the home region, ship asynchronously) or strong-global (commit in a majority of regions)." };

        public Option<string?> Home { get; } = new("--home") { Description = "The home region (required for local-commit)." };

        public Option<string?> Rpo { get; } = new("--rpo") { Description = "Recovery point objective, <n>ms|s|m (server default 5s)." };

        public Option<string?> RpoPolicy { get; } = new("--rpo-policy") { Description = "What a breached RPO does: alert, throttle or reject (server default alert)." };

        public Option<bool?> AutoFailover { get; } = new("--auto-failover") { Description = "Fail over automatically when the home region is lost (--auto-failover false to turn off)." };

        public IEnumerable<Option> All => [Mode, Home, Rpo, RpoPolicy, AutoFailover];

        /// <summary>The options given on the command line laid over <paramref name="current"/> (null for create).</summary>
        public NamespaceSpec? Build(ParseResult parseResult, NamespaceInfo? current, out string? error)
        {
            error = null;
            var mode = parseResult.GetValue(Mode) ?? current?.Mode;
            var home = parseResult.GetValue(Home) ?? current?.HomeRegion;
            if (mode is null)
            {
                error = "--mode is required (local-commit or strong-global).";
                return null;
            }

            if (mode == NamespaceSpec.LocalCommit && string.IsNullOrEmpty(home))
            {
                error = "--home REGION is required for a local-commit namespace.";
                return null;
            }

            return new NamespaceSpec(
                mode,
                mode == NamespaceSpec.LocalCommit || parseResult.GetResult(Home) is not null ? home : null,
                parseResult.GetValue(Rpo) ?? current?.Rpo,
                parseResult.GetValue(RpoPolicy) ?? current?.RpoPolicy,
                parseResult.GetValue(AutoFailover) ?? current?.AutoFailover);
        }
    }

    private static Command CreateOrSet(ClientOptions connection, string name, string description, bool modeRequired)
    {
        var ns = Namespace();
        var spec = new SpecOptions(modeRequired);
        var format = OutputFormat.Create("the namespace as GET /v1/namespaces/{ns} shows it");
        var command = new Command(name, description) { ns, format };
        foreach (var option in spec.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, error, ct) =>
        {
            var nsName = parseResult.GetValue(ns)!;
            // `set` changes what is given and keeps the rest, so it starts from the namespace as it is.
            var current = modeRequired ? null : await client.GetNamespaceAsync(nsName, ct);
            if (spec.Build(parseResult, current, out var problem) is not { } body)
            {
                await error.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }

            var answer = await client.PutNamespaceAsync(nsName, body, ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, answer ?? await client.GetNamespaceAsync(nsName, ct));
            }
            else if (answer is not null)
            {
                WriteNamespace(output, answer with { Name = answer.Name ?? nsName });
            }
            else
            {
                await output.WriteLineAsync($"namespace {nsName}: {body.Mode}{(body.HomeRegion is null ? string.Empty : $", home {body.HomeRegion}")}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Get(ClientOptions connection)
    {
        var ns = Namespace();
        var format = OutputFormat.Create("the answer of GET /v1/namespaces/{ns}");
        var command = new Command("get", "Show a namespace: mode, epoch, home region, group and each region's lag.") { ns, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var nsName = parseResult.GetValue(ns)!;
            var info = await client.GetNamespaceAsync(nsName, ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, info);
                return ExitCodes.Ok;
            }

            WriteNamespace(output, info with { Name = info.Name ?? nsName });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command List(ClientOptions connection)
    {
        var format = OutputFormat.Create("the answer of GET /v1/namespaces");
        var command = new Command("ls", "List the namespaces.") { format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var all = await client.ListNamespacesAsync(ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, all);
                return ExitCodes.Ok;
            }

            TextTable.Write(output, ["NAME", "MODE", "HOME", "EPOCH", "GROUP"],
                all.Select(n => (IReadOnlyList<string>)[n.Name ?? "-", n.Mode ?? "-", n.HomeRegion ?? "-", Text(n.Epoch), Text(n.Group)]));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(ClientOptions connection)
    {
        var ns = Namespace();
        var format = OutputFormat.Create("{namespace, removed}");
        var command = new Command("rm", "Remove a namespace and its keys.") { ns, format };
        command.SetAction((parseResult, cancellationToken) => ClientInvocation.RunAsync(parseResult, connection, async (client, output, _, ct) =>
        {
            var nsName = parseResult.GetValue(ns)!;
            await client.DeleteNamespaceAsync(nsName, ct);
            if (parseResult.GetValue(format) == OutputFormat.Json)
            {
                OutputFormat.WriteJson(output, new { @namespace = nsName, removed = true });
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"removed namespace {nsName}");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    internal static void WriteNamespace(TextWriter output, NamespaceInfo info)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(info);
        TextTable.WriteFields(output,
        [
            ("namespace", info.Name),
            ("mode", info.Mode),
            ("home-region", info.HomeRegion),
            ("epoch", Text(info.Epoch)),
            ("group", Text(info.Group)),
            ("rpo", info.Rpo),
            ("rpo-policy", info.RpoPolicy),
            ("auto-failover", info.AutoFailover is { } auto ? (auto ? "true" : "false") : null),
        ]);
        if (info.Regions is { Count: > 0 } regions)
        {
            output.WriteLine();
            TextTable.Write(output, ["REGION", "APPLIED-REVISION", "LAG-REVISIONS", "LAG-SECONDS", "RPO-BREACHED"],
                regions.Select(r => (IReadOnlyList<string>)[
                    r.Region,
                    Text(r.AppliedRevision),
                    Text(r.LagRevisions),
                    r.LagSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                    r.RpoBreached ? "yes" : "no"]));
        }
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
