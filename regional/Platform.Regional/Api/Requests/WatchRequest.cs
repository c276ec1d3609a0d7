using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Requests;

/// <summary>Opens a watch: checks the namespace and that the start is not compacted, before any event is sent.</summary>
public sealed record OpenWatch(Caller Caller, string Namespace, string Prefix, long? Since)
    : IRequest<WatchStart>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Reader;

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (Prefix.Length > 0)
        {
            limits.ValidateKey(Prefix);
        }

        if (Since is < 0)
        {
            throw ApiProblemException.InvalidRequest("since is a revision of zero or more");
        }
    }
}

/// <summary>Where a watch starts: events after <see cref="After"/>, from <see cref="Group"/>.</summary>
public sealed record WatchStart(ulong Group, long After);
