using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Pipeline;

/// <summary>A request made with a token (every <c>/v1</c> route).</summary>
public interface IAuthenticatedRequest
{
    Caller Caller { get; }
}

/// <summary>A request about one namespace, needing at least <see cref="RequiredRole"/> there.</summary>
public interface INamespaceRequest : IAuthenticatedRequest
{
    string Namespace { get; }

    Role RequiredRole { get; }
}

/// <summary>A request that needs admin over every namespace (token management).</summary>
public interface IClusterAdminRequest : IAuthenticatedRequest;

/// <summary>A request that checks its own fields before anything else runs.</summary>
public interface IValidatedRequest
{
    /// <summary>Throws <see cref="Problems.ApiProblemException"/> for the first field that breaks a rule.</summary>
    void Validate(MvccLimits limits);
}
