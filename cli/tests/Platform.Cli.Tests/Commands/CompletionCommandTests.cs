using System.Diagnostics;

namespace Platform.Cli.Tests.Commands;

public sealed class CompletionCommandTests
{
    [Theory]
    [InlineData("bash", "complete -o default -F _platform_complete platform")]
    [InlineData("zsh", "compdef _platform_complete platform")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName platform")]
    public void Each_shell_gets_a_script_that_asks_the_program(string shell, string registers)
    {
        var (exitCode, output, _) = CliRunner.Run("completion", shell);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains(registers, output, StringComparison.Ordinal);
        Assert.Contains("[suggest:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shell_is_a_usage_error() => Assert.Equal(ExitCodes.Usage, CliRunner.Run("completion", "fish").ExitCode);

    [Fact]
    public void The_program_suggests_what_may_come_next()
    {
        var (_, commands, _) = CliRunner.Run("[suggest:10]", "platform d");
        var (_, options, _) = CliRunner.Run("[suggest:16]", "platform kv get ");

        Assert.Contains("drill", commands.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("--consistency", options.Split('\n', StringSplitOptions.TrimEntries));
    }

    /// <summary>The bash script itself, sourced in a real bash, completing a real command line.</summary>
    [Fact]
    public async Task Bash_completes_a_subcommand_through_the_script()
    {
        var platform = Path.Combine(AppContext.BaseDirectory, "platform.dll");
        var script = string.Join('\n',
            $"platform() {{ dotnet '{platform}' \"$@\"; }}",
            "source <(platform completion bash)",
            "COMP_LINE='platform kv wa'; COMP_POINT=${#COMP_LINE}",
            "_platform_complete",
            "printf '%s\\n' \"${COMPREPLY[@]}\"");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["watch"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
