using System.Text.Json.Serialization;
using Platform.Client.Json;

namespace Platform.Client.Models;

/// <summary>
/// The answer of <c>DELETE /v1/ns/{ns}/kv/{key}</c>: whether a key was there to delete. The wire
/// member is read from a boolean or from a count of deleted keys.
/// </summary>
public sealed record DeleteResult(
    long Revision,
    [property: JsonConverter(typeof(BoolOrCountConverter))] bool Deleted);
