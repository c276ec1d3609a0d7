namespace Platform.Testing.Linearizability;

/// <summary>What a client asked of one key. Every key is an independent register.</summary>
public enum KvOperationKind
{
    /// <summary>Sets the value unconditionally; the only answer is an acknowledgement.</summary>
    Put,

    /// <summary>Reads the value; null means the key is absent.</summary>
    Get,

    /// <summary>Sets the value only if it currently equals the expected one (null expects the key absent).</summary>
    Cas,
}
