using System.Text.Json.Serialization;

namespace Platform.Client.Models;

/// <summary>
/// The body of <c>PUT /v1/namespaces/{ns}</c>. A null member is left out of the request, so the
/// server's default applies (<c>rpo</c> 5s, <c>rpoPolicy</c> alert, <c>autoFailover</c> false).
/// </summary>
public sealed record NamespaceSpec(
    string Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HomeRegion = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rpo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RpoPolicy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AutoFailover = null)
{
    public const string LocalCommit = "local-commit";
    public const string StrongGlobal = "strong-global";
}
