using System.Text;

namespace Platform.LoadTests.Report;

/// <summary>
/// The "Errors" section of a report: every phase with a refusal or a missing answer, warm-ups included,
/// and the first answer of each refused status, so a reader sees why, not only how many.
/// </summary>
public static class ErrorsMarkdown
{
    public static void Append(StringBuilder md, IReadOnlyList<PhaseResult> phases, IReadOnlyDictionary<string, string> refusals)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(refusals);
        var failing = phases.Where(p => p.Errors > 0 || p.WarmupErrors > 0).ToList();
        md.Append("## Errors\n\n");
        if (failing.Count == 0)
        {
            md.Append("None: every request of every phase, warm-ups included, was answered 2xx.\n\n");
            return;
        }

        foreach (var phase in failing)
        {
            var statuses = string.Join(", ", phase.ErrorsByStatus.Select(e => $"{(e.Key == "0" ? "no answer" : "HTTP " + e.Key)}: {Units.Count(e.Value)}"));
            md.Append($"- ({phase.Id}) {Units.Count(phase.Errors)} error(s) measured ({statuses}), {Units.Count(phase.WarmupErrors)} during warm-up; first: {phase.FirstFailure}\n");
        }

        foreach (var (status, body) in refusals.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            md.Append($"- First answer with HTTP {status}: `{body.ReplaceLineEndings(" ").Replace('`', '\'')}`\n");
        }

        md.Append('\n');
    }
}
