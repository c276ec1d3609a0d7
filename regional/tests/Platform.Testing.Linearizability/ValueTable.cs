namespace Platform.Testing.Linearizability;

/// <summary>
/// Interns one key's values as small integers so the search compares and hashes states cheaply.
/// Absent (null) is always <see cref="Absent"/>.
/// </summary>
internal sealed class ValueTable
{
    public const int Absent = 0;

    private readonly Dictionary<string, int> identifiers = new(StringComparer.Ordinal);
    private readonly List<string?> values = [null];

    public int IdentifierOf(string? value)
    {
        if (value is null)
        {
            return Absent;
        }

        if (!identifiers.TryGetValue(value, out var identifier))
        {
            identifier = values.Count;
            identifiers.Add(value, identifier);
            values.Add(value);
        }

        return identifier;
    }

    public string? ValueOf(int identifier) => values[identifier];
}
