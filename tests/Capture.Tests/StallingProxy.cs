using System.Net;
using System.Net.Sockets;

namespace Insights.Capture.Tests;

/// <summary>
/// A TCP proxy in front of a server that can go silent the way a network cut does: after <see cref="Stall"/> every
/// connection stays open at both ends but nothing is forwarded (half-open connections, no error, no close), and
/// connections opened while stalled are treated alike. After <see cref="Resume"/> new connections are forwarded
/// again; the ones cut off stay silent, as they would after a real cut.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private sealed class Link(TcpClient client, TcpClient server)
    {
        public TcpClient Client { get; } = client;
        public TcpClient Server { get; } = server;
        public volatile bool Silent;
    }

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Link> links = new();
    private readonly Task accepting;
    private volatile bool stalled;

    private StallingProxy(string targetHost, int targetPort)
    {
        (this.targetHost, this.targetPort) = (targetHost, targetPort);
        listener.Start();
        accepting = AcceptAsync();
    }

    public static StallingProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Stall()
    {
        lock (links)
        {
            stalled = true;
            foreach (var link in links) link.Silent = true;
        }
    }

    public void Resume() { lock (links) stalled = false; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var server = new TcpClient();
                try { await server.ConnectAsync(targetHost, targetPort, stop.Token); }
                catch (SocketException) { client.Dispose(); server.Dispose(); continue; }
                Link link;
                lock (links)
                {
                    link = new Link(client, server) { Silent = stalled };
                    links.Add(link);
                }
                _ = PumpAsync(link, client.GetStream(), server.GetStream());
                _ = PumpAsync(link, server.GetStream(), client.GetStream());
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task PumpAsync(Link link, NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, stop.Token);
                if (read == 0) break;
                if (link.Silent) continue; // dropped: the other end hears nothing
                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
        // One side closed (the capture gave up on the connection): close the other, as a proxy does.
        link.Client.Dispose();
        link.Server.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        lock (links) foreach (var link in links) { link.Client.Dispose(); link.Server.Dispose(); }
    }
}
