using Platform.Cli.Connection;
using Platform.Client;

namespace Platform.Cli.Tests.Connection;

public sealed class ProblemTextTests
{
    [Fact]
    public void The_code_comes_first_and_a_hint_follows_on_its_own_line()
    {
        var text = ProblemText.Describe(new PlatformProblemException(409, "FencedEpoch", "Fenced", "eu-west is not the home of payments"));

        var lines = text.Split(Environment.NewLine);
        Assert.Equal("FencedEpoch: eu-west is not the home of payments", lines[0]);
        Assert.StartsWith("hint: the namespace's home moved", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_retryable_refusal_says_when_to_retry_from_its_retry_after()
    {
        var problem = new PlatformProblemException(503, "NoLeader", "No leader", null, retryAfter: TimeSpan.FromMilliseconds(1500));

        Assert.Equal("NoLeader: No leader" + Environment.NewLine + "hint: retry in 2 s (the server's Retry-After); exit code 5 means the same to a script.", ProblemText.Describe(problem));
    }

    [Fact]
    public void A_compaction_names_the_revision_history_starts_at()
    {
        var problem = new PlatformProblemException(410, "Compacted", "Compacted", null, compactRevision: 42);

        Assert.Contains("before revision 42", ProblemText.Hint(problem), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_code_gets_no_hint_and_the_status_stands_in_for_a_missing_detail()
    {
        Assert.Equal("Teapot: HTTP 418", ProblemText.Describe(new PlatformProblemException(418, "Teapot", null, null)));
    }
}
