namespace Platform.Client.Models;

/// <summary>
/// The past versions of one key (<c>GET /v1/ns/{ns}/history/{key}</c>). The contract does not fix
/// the body's shape, so the client accepts a bare array of envelopes as well as an object with
/// <c>items</c> (and <c>revision</c>); <see cref="Revision"/> is null when the body carries none.
/// </summary>
public sealed record KeyHistory(long? Revision, IReadOnlyList<KeyEnvelope> Items);
