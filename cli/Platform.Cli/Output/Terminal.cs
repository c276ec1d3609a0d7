using Spectre.Console;

namespace Platform.Cli.Output;

/// <summary>
/// Whether a person is watching an output, and a Spectre.Console console over it. Tables get
/// borders and long work gets progress bars only on a terminal; a pipe, a file or a test's
/// writer gets plain, stable text that scripts can cut and grep.
/// </summary>
public static class Terminal
{
    /// <summary>
    /// True when <paramref name="writer"/> is the process's own stdout (or stderr) and that is a
    /// terminal. <c>TERM=dumb</c> and <c>PLATFORM_PLAIN=1</c> ask for plain text anyway.
    /// </summary>
    public static bool IsInteractive(TextWriter writer)
    {
        if (Environment.GetEnvironmentVariable("PLATFORM_PLAIN") is { Length: > 0 } plain && plain != "0")
        {
            return false;
        }

        if (Environment.GetEnvironmentVariable("TERM") == "dumb")
        {
            return false;
        }

        return (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
            || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
    }

    /// <summary>True when <paramref name="writer"/> is the process's own stdout (or stderr) and that is a terminal, whatever the plain-text settings.</summary>
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>A console that writes to <paramref name="writer"/>, with colours and live rendering only when it is interactive.</summary>
    public static IAnsiConsole For(TextWriter writer) => For(writer, IsInteractive(writer));

    public static IAnsiConsole For(TextWriter writer, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Not a terminal: no width to fit, so nothing is wrapped.
            console.Profile.Width = 4096;
        }

        return console;
    }
}
