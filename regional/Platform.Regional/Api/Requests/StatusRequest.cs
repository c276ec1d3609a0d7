using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Replicas;
using Platform.Regional.Security;

namespace Platform.Regional.Api.Requests;

public sealed record GetStatus(Caller Caller) : IRequest<NodeStatus>, IAuthenticatedRequest;

/// <summary>The body of <c>GET /v1/status</c> before it is shaped to the contract.</summary>
public sealed record NodeStatus(string Region, string Node, IReadOnlyList<(ulong Group, ReplicaStatus Status)> Groups, IReadOnlyList<NamespaceView> Namespaces, IReadOnlyList<Hosting.RegionReach> Regions);
