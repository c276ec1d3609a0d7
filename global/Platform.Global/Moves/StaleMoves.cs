using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;

namespace Platform.Global.Moves;

/// <summary>
/// Moves whose record has sat in the catalog for too long: the node running the move stopped, or
/// could not commit its abort (no catalog majority then). Each region keeps, per namespace, when it
/// first saw the record at its catalog version (on its own clock), and the regions that may run the
/// move (<see cref="RunsHere"/>) abort it once that is <see cref="AbortAfter"/> old. The abort is the catalog's
/// compare-and-swap on that version, so it cannot undo a move that went on meanwhile; what the move
/// froze or copied is then undone by <see cref="CatalogRules"/> and <see cref="ModeChangeRules"/>.
/// </summary>
public sealed class StaleMoves
{
    /// <summary>Longer than any move runs when it goes well: a drain deadline plus the lease wait and the commits, with room to spare.</summary>
    public static readonly TimeSpan AbortAfter = NamespaceMover.DrainDeadline * 2;

    private readonly Dictionary<string, (long Version, TimeSpan Since)> seen = new(StringComparer.Ordinal);

    /// <summary>The entries whose move this region runs and whose record is older than <see cref="AbortAfter"/> at <paramref name="now"/>.</summary>
    public IReadOnlyList<CatalogEntry> Due(IEnumerable<CatalogEntry> entries, string region, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var due = new List<CatalogEntry>();
        var moving = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.MovingTo is not null && RunsHere(e, region)))
        {
            moving.Add(entry.Name);
            if (!seen.TryGetValue(entry.Name, out var first) || first.Version != entry.Version)
            {
                seen[entry.Name] = (entry.Version, now);
            }
            else if (now - first.Since > AbortAfter)
            {
                due.Add(entry);
            }
        }

        foreach (var gone in seen.Keys.Where(n => !moving.Contains(n)).ToList())
        {
            seen.Remove(gone);
        }

        return due;
    }

    /// <summary>
    /// Whether <paramref name="region"/> may abort the move the entry records: the home (a switchover
    /// or a change to strong-global runs there) or the region the record names (a promotion runs
    /// there, with the home lost; a change to local-commit too). Both may: the abort is a
    /// compare-and-swap.
    /// </summary>
    public static bool RunsHere(CatalogEntry entry, string region)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.MovingTo == region || (entry.Mode == NamespaceMode.LocalCommit && entry.HomeRegion == region);
    }
}
