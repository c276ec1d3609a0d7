namespace Platform.Testing.Linearizability;

/// <summary>The sequential specification of one key: a register whose state is an interned value.</summary>
internal static class RegisterModel
{
    /// <summary>Applies the operation to the state if its recorded answer is possible there.</summary>
    public static bool TryApply(in RegisterOperation operation, int state, out int nextState)
    {
        switch (operation.Kind)
        {
            case KvOperationKind.Put:
                nextState = operation.Written;
                return true;

            case KvOperationKind.Get:
                nextState = state;
                return state == operation.Read;

            case KvOperationKind.Cas when operation.Succeeded:
                nextState = operation.Written;
                return state == operation.Expected;

            case KvOperationKind.Cas:
                nextState = state;
                return state != operation.Expected;

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown operation kind.");
        }
    }
}
