using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>What one entry of a regional group's log asks of the group's state machine.</summary>
public abstract record GroupCommand;

/// <summary>
/// A change to one namespace's key-value state. With an <paramref name="IdempotencyKey"/>, a second
/// command with the same key returns the first one's outcome and changes nothing; the proposer's
/// wall-clock time (<paramref name="ProposedAtMs"/>, Unix milliseconds, carried in the entry so every
/// replica sees the same value) ages the remembered outcomes out after a day.
/// </summary>
public sealed record NamespaceCommand(string Namespace, MvccCommand Command, string? IdempotencyKey = null, long ProposedAtMs = 0) : GroupCommand;

/// <summary>Creates a namespace in this group, or changes the settings of an existing one.</summary>
public sealed record CreateNamespaceCommand(string Namespace, NamespaceSettings? Settings = null) : GroupCommand;

/// <summary>Removes a namespace and all its state from this group.</summary>
public sealed record DeleteNamespaceCommand(string Namespace) : GroupCommand;

/// <summary>Stores a token (its hash only) with its grants; a token of the same name is replaced.</summary>
public sealed record PutTokenCommand(string Name, string Hash, IReadOnlyList<Grant> Grants) : GroupCommand;

/// <summary>Revokes a token by name.</summary>
public sealed record RevokeTokenCommand(string Name) : GroupCommand;
