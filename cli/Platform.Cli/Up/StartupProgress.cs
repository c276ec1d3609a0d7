using Platform.Cli.Output;
using Spectre.Console;

namespace Platform.Cli.Up;

/// <summary>
/// How far <c>platform up</c> has come while it waits for its children: a live progress bar per
/// stage on a terminal (nodes ready, then edge proxies serving), and one line per stage elsewhere
/// (a log file or a test reads those).
/// </summary>
internal sealed class StartupProgress(TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="countDone"/> until it reaches <paramref name="total"/> (true), or until
    /// <paramref name="bound"/> passes or <paramref name="stopped"/> is set (false).
    /// </summary>
    public bool WaitFor(string stage, int total, Func<int> countDone, ManualResetEventSlim stopped, TimeSpan bound)
    {
        ArgumentNullException.ThrowIfNull(countDone);
        ArgumentNullException.ThrowIfNull(stopped);
        if (!Terminal.IsInteractive(output))
        {
            output.WriteLine($"platform up: waiting for {total} {stage}...");
            return Until(total, countDone, stopped, bound, _ => { });
        }

        return Terminal.For(output, interactive: true).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new TaskCountColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(stage), maxValue: total);
                var done = Until(total, countDone, stopped, bound, count => task.Value = count);
                task.StopTask();
                return done;
            });
    }

    private static bool Until(int total, Func<int> countDone, ManualResetEventSlim stopped, TimeSpan bound, Action<int> report)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline && !stopped.IsSet)
        {
            var done = countDone();
            report(done);
            if (done >= total)
            {
                return true;
            }

            stopped.Wait(Poll);
        }

        return false;
    }

    /// <summary><c>done/total</c> after the bar, so a stage shows what it counts.</summary>
    private sealed class TaskCountColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0}");
    }
}
