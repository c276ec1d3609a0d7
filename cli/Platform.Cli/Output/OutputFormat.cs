using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Platform.Cli.Output;

/// <summary>
/// <c>--output table|json</c> (<c>-o</c>) of the client commands: a table for people, or the
/// API's own JSON (camelCase, as the server sends it) alone on stdout for scripts.
/// </summary>
public static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Option<string> Create(string json)
    {
        var option = new Option<string>("--output", "-o") { Description = $"table (readable) or json ({json}, alone on stdout).", DefaultValueFactory = _ => Table };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }

    public static void WriteJson<T>(TextWriter output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(value, Options));
    }
}
