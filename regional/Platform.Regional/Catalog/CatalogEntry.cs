using Platform.Regional.Namespaces;

namespace Platform.Regional.Catalog;

/// <summary>
/// One epoch of a namespace: the region that was its home (null for a strong-global namespace,
/// which has none) and, once a later epoch took over after an unplanned failover, the last
/// revision of this epoch that survived (its fork point; null while the epoch is current or when
/// it ended without losing anything).
/// </summary>
public sealed record EpochRecord(long Epoch, string? HomeRegion, long? ForkRevision = null);

/// <summary>
/// A namespace as the catalog knows it: its settings, the group its data lives in (the
/// strong-global group, or the home region's group by the hash of its name), its current epoch and
/// the history of epochs. <see cref="Version"/> is the catalog log index that last changed the
/// entry: changes are compare-and-swap on it. <see cref="MovingTo"/> is set while the namespace's
/// home is being moved (docs/architecture.md, Moving a namespace: the revoke of the home's lease and the move record):
/// no lease renewal covers the namespace then.
/// </summary>
public sealed record CatalogEntry(string Name, NamespaceSettings Settings, ulong Group, long Epoch, IReadOnlyList<EpochRecord> Epochs, long Version)
{
    /// <summary>
    /// The region the home is moving to, from the revoke until the move's compare-and-swap or its
    /// abort; <see cref="ToStrongGlobal"/> while a <c>local-commit</c> namespace becomes <c>strong-global</c>.
    /// </summary>
    public string? MovingTo { get; init; }

    /// <summary>Which kind of move recorded <see cref="MovingTo"/> (meaningless while it is null).</summary>
    public MoveKind MovingBy { get; init; }

    /// <summary>The <see cref="MovingTo"/> of a change to <c>strong-global</c> (no region is named with parentheses).</summary>
    public const string ToStrongGlobal = "(strong-global)";

    public NamespaceMode Mode => Settings.Mode;

    public string? HomeRegion => Settings.HomeRegion;

    /// <summary>
    /// The fork point below <paramref name="revision"/>, when the revision lies past the end of the
    /// namespace's history, else null. An unplanned failover of epoch e keeps revisions up to its
    /// fork point, which may lie in an earlier epoch (the most advanced region reachable then may
    /// have missed the end of one before), so every epoch from the revision's own on is looked at,
    /// and the earliest fork below the revision is the answer.
    /// </summary>
    public long? ForkBelow(long revision)
    {
        var epoch = Storage.Mvcc.Revisions.Epoch(revision);
        long? earliest = null;
        foreach (var record in Epochs)
        {
            if (record.Epoch >= epoch && record.ForkRevision is { } fork && fork < revision && (earliest is null || fork < earliest))
            {
                earliest = fork;
            }
        }

        return earliest;
    }

    /// <summary>True when the namespace's writes commit in another region than <paramref name="region"/>.</summary>
    public bool HomedElsewhere(string region) => Settings.Mode == NamespaceMode.LocalCommit && Settings.HomeRegion is { } home && home != region;
}
