using System.Buffers.Binary;
using System.Net.Sockets;

namespace Insights.Capture.Protocol;

/// <summary>
/// MySQL client/server packets over one socket: 3-byte little-endian length, 1-byte sequence id, payload;
/// payloads of 16 MiB - 1 or more continue in the next packet. Every read has a deadline: a read that waits longer
/// for its bytes closes the socket and fails with <see cref="ReadDeadlineExceededException"/>, so a half-open
/// connection (a network cut, a frozen peer) is noticed instead of waited on forever.
/// </summary>
public sealed class PacketChannel : IAsyncDisposable
{
    private const int MaxPayload = 0xFFFFFF;
    private readonly byte[] header = new byte[4];
    private readonly Stream stream;
    private readonly Socket? socket;
    private readonly TimeSpan readDeadline;
    private readonly Timer? watchdog;
    // Environment.TickCount64 when the pending read started waiting, 0 while no read is pending: time spent outside
    // reads (the sink applying back-pressure) must not count against the server.
    private long readingSince;
    private volatile bool deadlineExceeded;
    private byte sequence;

    public PacketChannel(Stream stream, Socket? socket = null, TimeSpan? readDeadline = null)
    {
        this.stream = stream;
        this.socket = socket;
        this.readDeadline = readDeadline ?? Timeout.InfiniteTimeSpan;
        if (readDeadline is { } deadline)
        {
            var check = TimeSpan.FromMilliseconds(Math.Clamp(deadline.TotalMilliseconds / 10, 10, 1000));
            watchdog = new Timer(_ => CheckDeadline(), null, check, check);
        }
    }

    public static async Task<PacketChannel> ConnectAsync(string host, int port, TimeSpan readDeadline, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        using var connectDeadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connectDeadline.CancelAfter(readDeadline);
        try { await client.ConnectAsync(host, port, connectDeadline.Token); }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            client.Dispose();
            var reason = e is SocketException ? e.Message : $"no answer within {readDeadline.TotalSeconds:0.#} s";
            throw new CaptureException($"cannot connect to MariaDB at {host}:{port}: {reason}");
        }
        return new PacketChannel(new BufferedStream(client.GetStream(), 1 << 16), client.Client, readDeadline);
    }

    /// <summary>Starts a new command: the client's first packet of a command has sequence 0.</summary>
    public void ResetSequence() => sequence = 0;

    public async Task<byte[]> ReadAsync(CancellationToken ct)
    {
        byte[]? result = null;
        try
        {
            while (true)
            {
                await FillAsync(header, ct);
                var length = header[0] | header[1] << 8 | header[2] << 16;
                sequence = (byte)(header[3] + 1);
                var offset = result?.Length ?? 0;
                Array.Resize(ref result, offset + length);
                await FillAsync(result.AsMemory(offset, length), ct);
                if (length < MaxPayload) return result;
            }
        }
        catch (Exception e) when (deadlineExceeded && !ct.IsCancellationRequested)
        {
            throw new ReadDeadlineExceededException(readDeadline, e);
        }
        finally { Volatile.Write(ref readingSince, 0); }
    }

    // The deadline is for silence, not for a whole packet: each read that brings bytes starts it again, so a
    // 16 MiB row event on a slow link is not mistaken for a dead connection.
    private async Task FillAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            Volatile.Write(ref readingSince, Math.Max(1, Environment.TickCount64));
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0) throw new EndOfStreamException("MariaDB closed the connection");
            buffer = buffer[read..];
        }
    }

    private void CheckDeadline()
    {
        var since = Volatile.Read(ref readingSince);
        if (since == 0 || deadlineExceeded || Environment.TickCount64 - since <= readDeadline.TotalMilliseconds) return;
        deadlineExceeded = true;
        // Closing the socket fails the pending read; the connection is not used again.
        try { socket?.Dispose(); } catch (ObjectDisposedException) { }
        if (socket is null) stream.Dispose();
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var header = new byte[4];
        do
        {
            var chunk = payload[..Math.Min(payload.Length, MaxPayload)];
            BinaryPrimitives.WriteInt32LittleEndian(header, chunk.Length);
            header[3] = sequence++;
            await stream.WriteAsync(header, ct);
            await stream.WriteAsync(chunk, ct);
            payload = payload[chunk.Length..];
            if (chunk.Length < MaxPayload) break;
        } while (true);
        await stream.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (watchdog is not null) await watchdog.DisposeAsync();
        try { await stream.DisposeAsync(); }
        catch (Exception e) when (deadlineExceeded && e is IOException or ObjectDisposedException or SocketException) { }
    }
}

/// <summary>A read waited longer than its deadline: the connection is taken as dead (the runner reconnects).</summary>
public sealed class ReadDeadlineExceededException(TimeSpan deadline, Exception? inner = null)
    : IOException($"MariaDB sent nothing (no event, no heartbeat) for {deadline.TotalSeconds:0.#} s: the connection is taken as dead", inner);
