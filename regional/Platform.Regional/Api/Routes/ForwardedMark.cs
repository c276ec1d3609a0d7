using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// The mark a request carries when another region's node forwarded it here. A marked request is
/// answered by this node and never sent on, so the mark is trusted only when this node's own
/// inter-region route (which checked the request's signature) put it there: that route adds a
/// proof only this process knows. Every other request loses both headers on arrival, so a client
/// that sets the mark itself is treated as an ordinary client request (forwarded to the home,
/// refused where a copy cannot answer) and never reaches a handler that believes it.
/// </summary>
public sealed class ForwardedMark
{
    /// <summary>The node that forwarded the request (<c>region/node</c>).</summary>
    public const string Header = "X-Platform-Forwarded";

    /// <summary>The proof that this process's inter-region route set <see cref="Header"/>.</summary>
    public const string ProofHeader = "X-Platform-Forwarded-Proof";

    private const string FromItem = "platform.forwarded-from";

    /// <summary>Random per process: the loopback hop from the inter-region route to the client API never leaves this process's pair of ports.</summary>
    private readonly byte[] proof = RandomNumberGenerator.GetBytes(32);

    /// <summary>Marks a request this node's inter-region route is about to run through the client API.</summary>
    public void Mark(Action<string, string> addHeader, string from)
    {
        ArgumentNullException.ThrowIfNull(addHeader);
        addHeader(Header, from);
        addHeader(ProofHeader, Convert.ToHexString(proof));
    }

    /// <summary>
    /// Run first on every request of the client port: keeps the mark (as a request item) only when its
    /// proof holds, and strips both headers either way, so no later stage or handler reads them.
    /// </summary>
    public void Admit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (!headers.TryGetValue(Header, out var from) && !headers.ContainsKey(ProofHeader))
        {
            return;
        }

        if (from.Count == 1 && !string.IsNullOrEmpty(from[0]) && Proves(headers[ProofHeader]))
        {
            context.Items[FromItem] = from[0];
        }

        headers.Remove(Header);
        headers.Remove(ProofHeader);
    }

    /// <summary>The node that forwarded this request, when a trusted mark came with it; else null.</summary>
    public static string? From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[FromItem] as string;
    }

    private bool Proves(Microsoft.Extensions.Primitives.StringValues presented)
    {
        if (presented.Count != 1 || presented[0] is not { Length: 64 } hex)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(hex, given, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32
            && CryptographicOperations.FixedTimeEquals(given, proof);
    }
}
