using System.CommandLine;
using System.Net;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>--address</c> of <c>platform node</c> and <c>platform edge</c>: the IP address a process
/// listens on (and a node advertises to the other nodes of its cluster). Loopback by default, as
/// on a developer's machine; a deployment gives each machine's private address (infra/bicep).
/// </summary>
public static class ListenAddress
{
    public static Option<string> Create(string what) => new("--address")
    {
        Description = $"IP address to listen on{what} (default 127.0.0.1; on a VM, its private address).",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    /// <summary>The parsed address; null (with the reason in <paramref name="error"/>) for a host name or garbage.</summary>
    public static IPAddress? Parse(string text, out string? error)
    {
        error = null;
        if (IPAddress.TryParse(text, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            return address;
        }

        // 0.0.0.0 cannot be advertised to other silos, and a name would need resolving on every start.
        error = $"--address: '{text}' is not one IP address of this machine (0.0.0.0 and host names are not accepted).";
        return null;
    }
}
