using System.Globalization;
using Platform.Client.Models;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary>
/// A drill followed live on a terminal: one Spectre.Console progress task per phase of the report,
/// pulsing while the phase runs and full, with its duration, once it has finished.
/// </summary>
internal static class DrillProgress
{
    public static Task<DrillReport> FollowAsync(IAnsiConsole console, string id, Func<CancellationToken, Task<DrillReport>> poll, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(poll);
        console.MarkupLine($"drill [bold]{Markup.Escape(id)}[/] started");
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new List<ProgressTask>();
                while (true)
                {
                    var report = await poll(cancellationToken);
                    Show(context, tasks, report);
                    if (!report.Running)
                    {
                        return report;
                    }

                    await Task.Delay(interval, cancellationToken);
                }
            });
    }

    /// <summary>Adds the phases the report gained since the last poll and completes those that finished.</summary>
    internal static void Show(ProgressContext context, List<ProgressTask> tasks, DrillReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(report);
        for (var i = 0; i < report.Phases.Count; i++)
        {
            var phase = report.Phases[i];
            if (i == tasks.Count)
            {
                var added = context.AddTask(Markup.Escape(phase.Name));
                added.IsIndeterminate = true;
                tasks.Add(added);
            }

            var task = tasks[i];
            if (phase.DurationMs is { } ms && !task.IsFinished)
            {
                // The detail (often a sentence) waits for the report's phase table: here it would squeeze the bars.
                task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{phase.Name}: {ms:0} ms"));
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }

        if (!report.Running)
        {
            // A drill that ended (failed, say) leaves no phase pulsing.
            foreach (var task in tasks.Where(t => !t.IsFinished))
            {
                task.IsIndeterminate = false;
                task.StopTask();
            }
        }
    }
}
