using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Problems;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Requests;

/// <summary>The JSON body of <c>PUT /v1/namespaces/{ns}</c>.</summary>
public sealed record NamespaceBody(string? Mode, string? HomeRegion, string? Rpo, string? RpoPolicy, bool? AutoFailover);

public sealed record PutNamespace(Caller Caller, string Namespace, NamespaceBody Body)
    : IRequest<NamespaceView>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Admin;

    public void Validate(MvccLimits limits) => ToSettings();

    /// <summary>The body with the contract's defaults filled in; refuses what the contract does not allow.</summary>
    public NamespaceSettings ToSettings()
    {
        var mode = NamespaceText.ParseMode(Body.Mode) ?? throw ApiProblemException.InvalidRequest("mode is local-commit or strong-global");
        if (mode == NamespaceMode.LocalCommit && string.IsNullOrEmpty(Body.HomeRegion))
        {
            throw ApiProblemException.InvalidRequest("a local-commit namespace needs a homeRegion");
        }

        if (Body.HomeRegion is { Length: > 0 } home && !NamespaceNames.IsValid(home))
        {
            throw ApiProblemException.InvalidRequest($"'{home}' is not a region name");
        }

        var rpo = Body.Rpo is null ? NamespaceSettings.DefaultRpo
            : NamespaceText.ParseDuration(Body.Rpo) ?? throw ApiProblemException.InvalidRequest("rpo is a duration like 500ms, 5s or 2m");
        var policy = Body.RpoPolicy is null ? RpoPolicy.Alert
            : NamespaceText.ParsePolicy(Body.RpoPolicy) ?? throw ApiProblemException.InvalidRequest("rpoPolicy is alert, throttle or reject");
        var homeRegion = string.IsNullOrEmpty(Body.HomeRegion) ? null : Body.HomeRegion;
        return new NamespaceSettings(mode, homeRegion, rpo, policy, Body.AutoFailover ?? false);
    }
}

public sealed record GetNamespace(Caller Caller, string Namespace) : IRequest<NamespaceView>, INamespaceRequest
{
    public Role RequiredRole => Role.Reader;
}

public sealed record DeleteNamespace(Caller Caller, string Namespace) : IRequest<NamespaceView>, INamespaceRequest
{
    public Role RequiredRole => Role.Admin;
}

/// <summary>Every namespace the caller may read.</summary>
public sealed record ListNamespaces(Caller Caller) : IRequest<IReadOnlyList<NamespaceView>>, IAuthenticatedRequest;

/// <summary>A namespace as the catalog routes show it; <see cref="Created"/> is set when a PUT made it.</summary>
public sealed record NamespaceView(string Name, NamespaceSettings Settings, ulong Group, long Revision, long CompactRevision, long Epoch, int Keys, bool Created = false)
{
    /// <summary>The other regions' copies and their lag (a namespace homed here, in a linked deployment).</summary>
    public IReadOnlyList<Routing.RegionLag> Regions { get; init; } = [];
}
