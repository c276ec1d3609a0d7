using Platform.Cli.Commands;
using Platform.Cli.Output;
using Platform.Client.Models;
using Spectre.Console;

namespace Platform.Cli.Tests.Commands;

public sealed class DrillProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static DrillReport Report(string state, params DrillPhaseInfo[] phases) =>
        new("d1", "switchover", "eu-west", "us-east", state, state == "done" ? "pass" : null, "admin", Start, null, phases, [], null);

    [Fact]
    public async Task Each_phase_becomes_a_task_that_pulses_while_running_and_fills_with_its_duration()
    {
        using var output = new StringWriter();
        var polls = new Queue<DrillReport>([
            Report("running", new DrillPhaseInfo("fence", Start, null, null)),
            Report("running", new DrillPhaseInfo("fence", Start, 120, null), new DrillPhaseInfo("catch-up", Start, null, null)),
            Report("done", new DrillPhaseInfo("fence", Start, 120, null), new DrillPhaseInfo("catch-up", Start, 340, "2 writes")),
        ]);

        var report = await DrillProgress.FollowAsync(Terminal.For(output, interactive: false), "d1", _ => Task.FromResult(polls.Dequeue()), TimeSpan.Zero, TestContext.Current.CancellationToken);

        Assert.Equal("done", report.State);
        Assert.Empty(polls);
        Assert.Contains("drill d1 started", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_phases_show_their_duration_and_a_drill_that_ended_leaves_nothing_running()
    {
        using var output = new StringWriter();
        var console = Terminal.For(output, interactive: false);
        var tasks = new List<ProgressTask>();

        console.Progress().Start(context =>
        {
            DrillProgress.Show(context, tasks, Report("running", new DrillPhaseInfo("fence", Start, 120, null), new DrillPhaseInfo("promote", Start, null, null)));
            Assert.Equal(2, tasks.Count);
            Assert.True(tasks[0].IsFinished);
            Assert.Equal("fence: 120 ms", tasks[0].Description);
            Assert.False(tasks[1].IsFinished);
            Assert.True(tasks[1].IsIndeterminate);

            DrillProgress.Show(context, tasks, Report("failed", new DrillPhaseInfo("fence", Start, 120, null), new DrillPhaseInfo("promote", Start, null, null)));
            Assert.Equal(2, tasks.Count);
            Assert.All(tasks, t => Assert.True(t.IsFinished));
            Assert.False(tasks[1].IsIndeterminate);
        });
    }
}
