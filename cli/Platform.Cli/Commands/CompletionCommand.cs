using System.CommandLine;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform completion bash|zsh|pwsh</c>: prints a script that completes <c>platform</c> command
/// lines in that shell. Each script asks the program itself (<c>platform "[suggest:N]" "line"</c>,
/// System.CommandLine's suggest directive), so completions always match the installed commands.
/// Load it with <c>source &lt;(platform completion bash)</c>, or add that line to <c>~/.bashrc</c>.
/// </summary>
public static class CompletionCommand
{
    private const string Bash = """
        # platform: completion for bash (source <(platform completion bash))
        _platform_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(platform "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _platform_complete platform
        """;

    private const string Zsh = """
        # platform: completion for zsh (source <(platform completion zsh))
        _platform_complete() {
          local -a suggestions
          suggestions=("${(@f)$(platform "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
          compadd -a suggestions
        }
        compdef _platform_complete platform
        """;

    private const string Pwsh = """
        # platform: completion for PowerShell (platform completion pwsh | Out-String | Invoke-Expression)
        Register-ArgumentCompleter -Native -CommandName platform -ScriptBlock {
          param($wordToComplete, $commandAst, $cursorPosition)
          platform "[suggest:$cursorPosition]" "$commandAst" | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
          }
        }
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", "Print a shell completion script: source <(platform completion bash).") { shell };
        command.SetAction(parseResult =>
        {
            var script = parseResult.GetValue(shell) switch
            {
                "zsh" => Zsh,
                "pwsh" => Pwsh,
                _ => Bash,
            };
            parseResult.InvocationConfiguration.Output.WriteLine(script);
            return ExitCodes.Ok;
        });
        return command;
    }
}
