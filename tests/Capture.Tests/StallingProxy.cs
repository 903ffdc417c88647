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

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = new();
    private readonly Task _accepting;
    private volatile bool _stalled;

    private StallingProxy(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static StallingProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Stall()
    {
        lock (_links)
        {
            _stalled = true;
            foreach (var link in _links) link.Silent = true;
        }
    }

    public void Resume() { lock (_links) _stalled = false; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                try { await server.ConnectAsync(_targetHost, _targetPort, _stop.Token); }
                catch (SocketException) { client.Dispose(); server.Dispose(); continue; }
                Link link;
                lock (_links)
                {
                    link = new Link(client, server) { Silent = _stalled };
                    _links.Add(link);
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
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) break;
                if (link.Silent) continue; // dropped: the other end hears nothing
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
        // One side closed (the capture gave up on the connection): close the other, as a proxy does.
        link.Client.Dispose();
        link.Server.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_links) foreach (var link in _links) { link.Client.Dispose(); link.Server.Dispose(); }
    }
}
