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
internal sealed partial class ReportJsonContext : JsonSerializerContext;
