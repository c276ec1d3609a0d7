namespace Platform.Cli.Output;

/// <summary>Left-aligned columns separated by two spaces, for the readable (table) output of client commands.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Count];
        foreach (var row in all)
        {
            for (var i = 0; i < widths.Length && i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in all)
        {
            var cells = Enumerable.Range(0, widths.Length).Select(i => i < row.Count ? row[i] : string.Empty);
            // The last column is not padded, so lines carry no trailing spaces.
            output.WriteLine(string.Join("  ", cells.Select((cell, i) => i == widths.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary><c>name:  value</c> lines with the values aligned, for one record.</summary>
    public static void WriteFields(TextWriter output, IEnumerable<(string Name, string? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(output);
        var list = fields.ToList();
        var width = list.Count == 0 ? 0 : list.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in list)
        {
            output.WriteLine($"{(name + ":").PadRight(width)}  {value ?? "-"}".TrimEnd());
        }
    }
}
