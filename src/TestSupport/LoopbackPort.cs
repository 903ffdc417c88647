using System.Net;
using System.Net.Sockets;

namespace Insights.TestSupport;

/// <summary>A loopback port nobody listens on right now, for a child that needs its address up front.</summary>
public static class LoopbackPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
