using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Problems;

/// <summary>Maps the state machine's refusals onto the contract's problem codes.</summary>
public static class Translate
{
    public static ApiProblemException Refusal(MvccErrorCode code, string? detail, long compactRevision = 0)
    {
        var text = detail ?? code.ToString();
        return code switch
        {
            MvccErrorCode.InvalidKey => ApiProblemException.InvalidKey(text),
            MvccErrorCode.ValueTooLarge => ApiProblemException.ValueTooLarge(text),
            MvccErrorCode.RequestTooLarge => ApiProblemException.RequestTooLarge(text),
            MvccErrorCode.PreconditionFailed => ApiProblemException.PreconditionFailed(text),
            MvccErrorCode.Compacted => ApiProblemException.Compacted(compactRevision),
            MvccErrorCode.FutureRevision => ApiProblemException.NotCaughtUp(text),
            MvccErrorCode.FencedEpoch => ApiProblemException.FencedEpoch(text),
            _ => ApiProblemException.InvalidRequest(text),
        };
    }
}
