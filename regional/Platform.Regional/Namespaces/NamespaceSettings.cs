namespace Platform.Regional.Namespaces;

/// <summary>How a namespace's writes become durable (docs/architecture.md, "What it is for").</summary>
public enum NamespaceMode : byte
{
    LocalCommit = 0,
    StrongGlobal = 1,
}

/// <summary>What the home region does when the RPO is exceeded.</summary>
public enum RpoPolicy : byte
{
    Alert = 0,
    Throttle = 1,
    Reject = 2,
}

/// <summary>A namespace's settings, as given to <c>PUT /v1/namespaces/{ns}</c> and kept in its group.</summary>
public sealed record NamespaceSettings(NamespaceMode Mode, string? HomeRegion, TimeSpan Rpo, RpoPolicy RpoPolicy, bool AutoFailover)
{
    public static readonly TimeSpan DefaultRpo = TimeSpan.FromSeconds(5);

    /// <summary>A local-commit namespace homed nowhere in particular: what a bare create gets in tests.</summary>
    public static readonly NamespaceSettings Default = new(NamespaceMode.LocalCommit, null, DefaultRpo, RpoPolicy.Alert, false);

    /// <summary>True when a write for this namespace may commit in <paramref name="region"/>.</summary>
    public bool AcceptsWritesIn(string region) => Mode == NamespaceMode.StrongGlobal || HomeRegion is null || HomeRegion == region;
}
