using Platform.Regional.Api.Problems;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Api.Handlers;

/// <summary>Turns a committed proposal's reply into the namespace write's outcome, or the problem it ended in.</summary>
internal static class WriteAnswers
{
    public static WriteOutcome Outcome(string ns, ProposeReply reply)
    {
        if (reply.Problem is { } problem)
        {
            // The leader's state machine had no such namespace (deleted meanwhile, or never created).
            throw problem.Contains("does not exist", StringComparison.Ordinal)
                ? ApiProblemException.NamespaceNotFound(ns)
                : ApiProblemException.InvalidRequest(problem);
        }

        var write = reply.Write ?? throw new InvalidOperationException("a namespace command applied without a write outcome");
        if (write.Error is { } error)
        {
            throw Translate.Refusal(error, write.Detail);
        }

        return write;
    }
}
