using System.Buffers.Binary;
using System.Net.Sockets;

namespace Insights.Capture.Protocol;

/// <summary>
/// MySQL client/server packets over one socket: 3-byte little-endian length, 1-byte sequence id, payload;
/// payloads of 16 MiB - 1 or more continue in the next packet.
/// </summary>
public sealed class PacketChannel(Stream stream) : IAsyncDisposable
{
    private const int MaxPayload = 0xFFFFFF;
    private readonly byte[] _header = new byte[4];
    private byte _sequence;

    public static async Task<PacketChannel> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        try { await client.ConnectAsync(host, port, ct); }
        catch (SocketException e)
        {
            client.Dispose();
            throw new CaptureException($"cannot connect to MariaDB at {host}:{port}: {e.Message}");
        }
        return new PacketChannel(new BufferedStream(client.GetStream(), 1 << 16));
    }

    /// <summary>Starts a new command: the client's first packet of a command has sequence 0.</summary>
    public void ResetSequence() => _sequence = 0;

    public async Task<byte[]> ReadAsync(CancellationToken ct)
    {
        byte[]? result = null;
        while (true)
        {
            await stream.ReadExactlyAsync(_header, ct);
            var length = _header[0] | _header[1] << 8 | _header[2] << 16;
            _sequence = (byte)(_header[3] + 1);
            var offset = result?.Length ?? 0;
            Array.Resize(ref result, offset + length);
            await stream.ReadExactlyAsync(result.AsMemory(offset, length), ct);
            if (length < MaxPayload) return result;
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var header = new byte[4];
        do
        {
            var chunk = payload[..Math.Min(payload.Length, MaxPayload)];
            BinaryPrimitives.WriteInt32LittleEndian(header, chunk.Length);
            header[3] = _sequence++;
            await stream.WriteAsync(header, ct);
            await stream.WriteAsync(chunk, ct);
            payload = payload[chunk.Length..];
            if (chunk.Length < MaxPayload) break;
        } while (true);
        await stream.FlushAsync(ct);
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
