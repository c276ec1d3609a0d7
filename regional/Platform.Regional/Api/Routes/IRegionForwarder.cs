using Microsoft.AspNetCore.Http;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// Carries a client request to a node of another region and relays that node's answer (streamed,
/// so watches work too). Declared here, implemented by the global layer; a region on its own has
/// none, since every namespace it knows is homed in it.
/// </summary>
public interface IRegionForwarder
{
    /// <summary>Sends the request (its body already read into <paramref name="body"/>) to <paramref name="region"/> and writes the answer to the response.</summary>
    Task ForwardAsync(HttpContext context, string region, byte[] body);
}
