using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>What one entry of a regional group's log asks of the group's state machine.</summary>
public abstract record GroupCommand;

/// <summary>A change to one namespace's key-value state.</summary>
public sealed record NamespaceCommand(string Namespace, MvccCommand Command) : GroupCommand;

/// <summary>Creates a namespace in this group (idempotent: creating an existing one changes nothing).</summary>
public sealed record CreateNamespaceCommand(string Namespace) : GroupCommand;

/// <summary>Removes a namespace and all its state from this group.</summary>
public sealed record DeleteNamespaceCommand(string Namespace) : GroupCommand;
