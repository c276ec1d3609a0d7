using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;

namespace Platform.Regional.Api.Pipeline;

/// <summary>Second stage: the caller's grants must cover the namespace with the role the request needs.</summary>
public sealed class AuthorizationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        switch (message)
        {
            case INamespaceRequest scoped when !scoped.Caller.Holds(scoped.Namespace, scoped.RequiredRole):
                throw ApiProblemException.Forbidden($"token '{scoped.Caller.TokenName}' is not a {Grant.RoleText(scoped.RequiredRole)} of namespace '{scoped.Namespace}'");
            case IClusterAdminRequest admin when !admin.Caller.IsClusterAdmin:
                throw ApiProblemException.Forbidden($"token '{admin.Caller.TokenName}' is not an admin of every namespace ('*')");
        }

        return next(message, cancellationToken);
    }
}
