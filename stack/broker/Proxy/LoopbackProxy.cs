using System.Net;
using System.Net.Sockets;

namespace Insights.Broker.Proxy;

/// <summary>
/// Forwards every TCP connection accepted on 127.0.0.1:port to one mock broker's listener, byte for byte.
/// The mock picks new ports at every start; this gives clients an address that survives a broker restart.
/// </summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private IPEndPoint? target;
    private Task acceptLoop = Task.CompletedTask;

    public int Port { get; }

    private LoopbackProxy(TcpListener listener, int port)
    {
        this.listener = listener;
        Port = port;
    }

    /// <summary>Binds the port now, so a taken port fails before any cluster exists.</summary>
    public static LoopbackProxy Bind(int port)
    {
        // .NET's default on Linux (SO_REUSEADDR) lets a restarted broker bind past TIME_WAIT sockets of the
        // killed one, while a port another process listens on still fails (tested).
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new PortTakenException(port);
        }
        return new LoopbackProxy(listener, port);
    }

    public void Start(IPEndPoint target)
    {
        this.target = target;
        acceptLoop = AcceptAsync(stop.Token);
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(ct); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // a client that gave up while queued
            _ = ForwardAsync(client, ct);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken ct)
    {
        using var _ = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(target!, ct);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            // Either side closing ends the pair: Kafka connections are request/response, never half-open.
            var first = await Task.WhenAny(
                clientStream.CopyToAsync(upstreamStream, ct),
                upstreamStream.CopyToAsync(clientStream, ct));
            await first.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            // The client sees its connection close, which Kafka clients treat as a broker to reconnect to.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }
}

/// <summary>The fixed port asked for is held by another process.</summary>
internal sealed class PortTakenException(int port)
    : Exception($"port {port} on 127.0.0.1 is already taken by another process (--port)")
{
    public int Port { get; } = port;
}
