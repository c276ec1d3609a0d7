using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.LoadTests.Report;

/// <summary>
/// The JSON report, camelCase like the platform's API. Latencies with no sample are NaN, which JSON
/// cannot hold as a number: they are written as the string "NaN".
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RegionalReport))]
[JsonSerializable(typeof(FailoverResult))]
[JsonSerializable(typeof(GlobalReport))]
[JsonSerializable(typeof(ReplicationReport))]
[JsonSerializable(typeof(DrillsReport))]
[JsonSerializable(typeof(EdgeReport))]
[JsonSerializable(typeof(HerdReport))]
[JsonSerializable(typeof(VersusReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;

/// <summary>Writes the report through <see cref="ReportJsonContext"/>, indented and without HTML escaping.</summary>
public static class ReportJson
{
    // The report is a file for people and tools, not HTML: '+', '<' and '>' stay as they are. (A separate
    // class, so the generated context's Default exists when these options are built.)
    private static readonly JsonSerializerOptions Readable = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ReportJsonContext.Default,
    };

    public static string Serialize(RegionalReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(RegionalReport)));

    public static string Serialize(FailoverResult failover) => JsonSerializer.Serialize(failover, Readable.GetTypeInfo(typeof(FailoverResult)));

    public static string Serialize(ReplicationReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(ReplicationReport)));

    public static string Serialize(DrillsReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(DrillsReport)));

    public static string Serialize(EdgeReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(EdgeReport)));

    public static string Serialize(HerdReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(HerdReport)));

    public static string Serialize(VersusReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(VersusReport)));

    public static string Serialize(GlobalReport report) => JsonSerializer.Serialize(report, Readable.GetTypeInfo(typeof(GlobalReport)));
}
