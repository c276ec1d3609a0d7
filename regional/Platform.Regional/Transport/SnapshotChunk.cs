namespace Platform.Regional.Transport;

/// <summary>
/// One piece of a snapshot streamed to a replica (the snapshot file's bytes from
/// <see cref="Offset"/>). The last piece carries the InstallSnapshot message itself, without its
/// data, which the receiver re-attaches from the staged file once it is complete and verified.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record SnapshotChunk(
    [property: Id(0)] long Index,
    [property: Id(1)] long Offset,
    [property: Id(2)] byte[] Bytes,
    [property: Id(3)] long TotalBytes,
    [property: Id(4)] byte[]? Header);
