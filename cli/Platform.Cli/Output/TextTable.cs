using Spectre.Console;

namespace Platform.Cli.Output;

/// <summary>
/// The readable (table) output of client commands. On a terminal: a Spectre.Console table with
/// borders. Elsewhere: left-aligned columns separated by two spaces, with no trailing spaces, so
/// a pipe gets text that <c>awk</c> and <c>grep</c> can work with.
/// </summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        if (Terminal.IsInteractive(output))
        {
            var console = Terminal.For(output, interactive: true);
            // A table wider than the terminal would wrap every cell into unreadable slivers; the
            // plain lines overflow instead, and stay one row per line.
            if (BorderedWidth(headers, list) <= console.Profile.Width)
            {
                Render(console, headers, list);
                return;
            }
        }

        WritePlain(output, headers, list);
    }

    /// <summary>The width of the bordered table: each column's widest cell, one space either side, and a rule between.</summary>
    public static int BorderedWidth(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var widths = Widths(headers, rows);
        return widths.Sum() + (3 * widths.Length) + 1;
    }

    /// <summary>The bordered table a terminal shows; cells are text, never markup.</summary>
    public static void Render(IAnsiConsole console, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table { Border = TableBorder.Rounded };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in rows)
        {
            table.AddRow([.. Enumerable.Range(0, headers.Count).Select(i => (Spectre.Console.Rendering.IRenderable)new Text(i < row.Count ? row[i] : string.Empty))]);
        }

        console.Write(table);
    }

    /// <summary><c>name:  value</c> lines with the values aligned, for one record.</summary>
    public static void WriteFields(TextWriter output, IEnumerable<(string Name, string? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(fields);
        var list = fields.ToList();
        if (Terminal.IsInteractive(output))
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var (name, value) in list)
            {
                grid.AddRow(new Text(name + ":", new Style(Color.Grey)), new Text(value ?? "-"));
            }

            Terminal.For(output, interactive: true).Write(grid);
            return;
        }

        var width = list.Count == 0 ? 0 : list.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in list)
        {
            output.WriteLine($"{(name + ":").PadRight(width)}  {value ?? "-"}".TrimEnd());
        }
    }

    private static int[] Widths(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = new int[headers.Count];
        foreach (var row in rows.Prepend(headers))
        {
            for (var i = 0; i < widths.Length && i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        return widths;
    }

    private static void WritePlain(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = Widths(headers, rows);
        foreach (var row in rows.Prepend(headers))
        {
            var cells = Enumerable.Range(0, widths.Length).Select(i => i < row.Count ? row[i] : string.Empty);
            // The last column is not padded, so lines carry no trailing spaces.
            output.WriteLine(string.Join("  ", cells.Select((cell, i) => i == widths.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
