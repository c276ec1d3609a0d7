using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Pipeline;

/// <summary>First stage: names, keys, values and bodies are checked before anyone looks at state.</summary>
public sealed class ValidationBehavior<TMessage, TResponse>(MvccLimits limits) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is INamespaceRequest scoped && !NamespaceNames.IsValid(scoped.Namespace))
        {
            throw ApiProblemException.InvalidNamespace($"'{scoped.Namespace}' is not a namespace name (lower-case letters, digits and '-', 1 to 63 characters, no '-' at either end)");
        }

        if (message is IValidatedRequest validated)
        {
            try
            {
                validated.Validate(limits);
            }
            catch (MvccException refused)
            {
                throw Translate.Refusal(refused.Code, refused.Message);
            }
        }

        return next(message, cancellationToken);
    }
}
