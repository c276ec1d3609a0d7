using System.CommandLine;
using System.Text.RegularExpressions;
using Platform.Cli;
using Platform.Cli.Commands;
using Platform.Cli.Up;

namespace Platform.Infra.Tests;

/// <summary>
/// The VMs boot with the scripts in infra/bicep/scripts, and those scripts run `platform node` and
/// `platform edge` with options and environment variables the real command line has, fed by
/// settings the templates really write.
/// </summary>
public sealed partial class BootScriptTests
{
    private static readonly string RunScript = File.ReadAllText(TemplateFolder.Path("scripts", "platform-run.sh"));
    private static readonly string InstallScript = File.ReadAllText(TemplateFolder.Path("scripts", "platform-install.sh"));

    [Fact]
    public void The_node_is_started_only_with_options_platform_node_has()
    {
        var used = OptionsAfter(RunScript, "/opt/platform/platform node");
        var known = NodeCommand.Create().Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("--clustering", used);
        Assert.Contains("--peers", used);
        Assert.All(used, option => Assert.True(known.Contains(option), $"platform node has no option {option}"));
    }

    [Fact]
    public void The_edge_is_started_only_with_options_platform_edge_has()
    {
        var used = OptionsAfter(RunScript, "/opt/platform/platform edge");
        var known = EdgeCommand.Create().Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("--nodes", used);
        Assert.All(used, option => Assert.True(known.Contains(option), $"platform edge has no option {option}"));
    }

    [Fact]
    public void The_secrets_go_into_the_variables_the_processes_read()
    {
        Assert.Contains($"export {RegionLinks.SecretVariable} ", RunScript, StringComparison.Ordinal);
        Assert.Contains($"export {ChildEdge.EdgeTokenVariable}", RunScript, StringComparison.Ordinal);

        // --clustering azure-table is the one that reads a Table Storage connection string, from PLATFORM_AZURE_TABLES.
        Assert.Contains("export PLATFORM_INTER_REGION_SECRET PLATFORM_AZURE_TABLES", RunScript, StringComparison.Ordinal);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Contains("--clustering azure-table", RunScript, StringComparison.Ordinal);
        var exitCode = Program.Run(["node", "--region", "r", "--name", "n", "--nodes", "n", "--clustering", "azure-table"], new InvocationConfiguration { Output = output, Error = error });
        if (Environment.GetEnvironmentVariable("PLATFORM_AZURE_TABLES") is not { Length: > 0 })
        {
            Assert.Equal(ExitCodes.Usage, exitCode);
            Assert.Contains("PLATFORM_AZURE_TABLES", error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_vm_boots_with_the_scripts_of_this_folder()
    {
        var region = (await CompiledTemplates.GetAsync()).Main.Module("regionDeployments");
        var compiled = region.Root.GetRawText();

        foreach (var script in new[] { "platform-install.sh", "platform-run.sh" })
        {
            var encoded = Convert.ToBase64String(await File.ReadAllBytesAsync(TemplateFolder.Path("scripts", script), TestContext.Current.CancellationToken));
            Assert.Contains(encoded, compiled, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("nodes", "vms", "node")]
    [InlineData("edges", "scaleSet", "edge")]
    public async Task Every_setting_a_script_reads_is_written_by_the_template(string module, string resource, string role)
    {
        var template = (await CompiledTemplates.GetAsync()).Main.Module("regionDeployments").Module(module);
        var written = SettingName().Matches(template.Resource(resource).GetRawText()).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("PLATFORM_ROLE", written);

        foreach (var script in new[] { RunScript, InstallScript })
        {
            var read = SettingsRead(script, role);
            Assert.NotEmpty(read);
            Assert.All(read, name => Assert.True(written.Contains(name), $"the {role} scripts read {name}, which the {module} template does not write"));
        }
    }

    /// <summary>The --options of the (backslash-continued) command line that starts with <paramref name="command"/>.</summary>
    private static List<string> OptionsAfter(string script, string command)
    {
        var lines = script.Split('\n');
        var start = Array.FindIndex(lines, line => line.Contains(command, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no '{command}' in platform-run.sh");
        var options = new List<string>();
        for (var i = start; i < lines.Length; i++)
        {
            options.AddRange(OptionName().Matches(lines[i]).Select(m => m.Value));
            if (!lines[i].TrimEnd().EndsWith('\\'))
            {
                break;
            }
        }

        return options;
    }

    /// <summary>PLATFORM_* variables the script reads for this role (its shared part and that role's branch), leaving out those it sets itself.</summary>
    private static HashSet<string> SettingsRead(string script, string role)
    {
        var roleCase = script.LastIndexOf("case \"$PLATFORM_ROLE\" in", StringComparison.Ordinal);
        Assert.True(roleCase > 0, "the script does not branch on PLATFORM_ROLE");
        var branchStart = script.IndexOf($"\n  {role})", roleCase, StringComparison.Ordinal);
        Assert.True(branchStart > 0, $"the script has no {role} branch");
        var branchEnd = script.IndexOf(";;", branchStart, StringComparison.Ordinal);
        var text = script[..roleCase] + script[branchStart..branchEnd];
        var assigned = Assigned().Matches(script).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return VariableRead().Matches(text).Select(m => m.Groups[1].Value).Where(name => !assigned.Contains(name)).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z0-9][a-z0-9-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"'(PLATFORM_[A-Z0-9_]+)'")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"\$\{?(PLATFORM_[A-Z0-9_]+)")]
    private static partial Regex VariableRead();

    [GeneratedRegex(@"(?m)^\s*(?:export\s+)?(PLATFORM_[A-Z0-9_]+)=")]
    private static partial Regex Assigned();
}
