using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Client.Models;

namespace Platform.Client.Json;

/// <summary>
/// Source-generated (de)serialization of the wire shapes: camelCase as the contract writes them,
/// numbers accepted from strings too, unknown members ignored so a newer server does not break
/// an older client.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(KeyEnvelope))]
[JsonSerializable(typeof(PutResult))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(ListPage))]
[JsonSerializable(typeof(List<KeyEnvelope>))]
[JsonSerializable(typeof(NamespaceSpec))]
[JsonSerializable(typeof(NamespaceInfo))]
[JsonSerializable(typeof(List<NamespaceInfo>))]
[JsonSerializable(typeof(StatusInfo))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreateResult))]
[JsonSerializable(typeof(TokenSelf))]
[JsonSerializable(typeof(TxnRequest))]
[JsonSerializable(typeof(TxnResult))]
[JsonSerializable(typeof(CompactResult))]
[JsonSerializable(typeof(CompactBody))]
[JsonSerializable(typeof(DigestResult))]
[JsonSerializable(typeof(DivergentArchive))]
[JsonSerializable(typeof(DrillRequest))]
[JsonSerializable(typeof(DrillStarted))]
[JsonSerializable(typeof(DrillReport))]
[JsonSerializable(typeof(List<DrillReport>))]
internal sealed partial class PlatformJsonContext : JsonSerializerContext;
