using System.Net;
using System.Net.Sockets;

namespace Platform.Global.Tests;

/// <summary>Free loopback ports, never one already handed to another test of this process (test classes start in parallel).</summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
