using System.Text.Json.Serialization;
using Platform.Client.Json;

namespace Platform.Client.Models;

/// <summary>The answer of <c>GET /v1/status</c>: what the answering node sees.</summary>
public sealed record StatusInfo(
    string? Region,
    string? Node,
    IReadOnlyList<GroupStatus>? Groups,
    IReadOnlyList<StatusNamespace>? Namespaces,
    IReadOnlyList<RegionStatus>? Regions);

/// <summary>One consensus group; <see cref="Leader"/> is a node name (null while there is none).</summary>
public sealed record GroupStatus(
    long Id,
    string? Leader,
    long Term,
    long CommitIndex,
    long AppliedIndex,
    IReadOnlyList<GroupMember>? Members);

/// <summary>A member of a group; <see cref="Role"/> is read from a string or a number.</summary>
public sealed record GroupMember(
    string? Node,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? Role,
    long Match);

public sealed record StatusNamespace(string Name, long? Group, string? Mode, string? HomeRegion, long? Epoch);

public sealed record RegionStatus(string Name, bool Reachable, double? RttMs);
