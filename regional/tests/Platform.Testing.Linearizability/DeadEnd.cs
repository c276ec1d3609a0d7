namespace Platform.Testing.Linearizability;

/// <summary>
/// Where the search got stuck: an order of operations that was possible (<see cref="Prefix"/>, leaving
/// <see cref="StateAfter"/>), the operation whose response came before it could be placed (<see cref="Blocking"/>),
/// and the operations that were allowed to come next (<see cref="Candidates"/>). Indices are positions in the key's
/// operation list.
/// </summary>
internal sealed record DeadEnd(IReadOnlyList<int> Prefix, int StateAfter, int Blocking, IReadOnlyList<int> Candidates);
