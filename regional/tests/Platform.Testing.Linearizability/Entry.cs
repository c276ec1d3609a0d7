namespace Platform.Testing.Linearizability;

/// <summary>
/// A node of the time-ordered list of invocations and responses. A call's <see cref="Match"/> is its response,
/// or null for an operation that never got one (its response is at infinity, so it never forces the search).
/// </summary>
internal sealed class Entry(int operation, bool isCall)
{
    public int Operation { get; } = operation;

    public bool IsCall { get; } = isCall;

    public Entry? Match { get; set; }

    public Entry? Previous { get; set; }

    public Entry? Next { get; set; }
}
