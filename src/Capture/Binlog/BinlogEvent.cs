using System.Buffers.Binary;
using System.IO.Hashing;

namespace Insights.Capture.Binlog;

/// <summary>
/// One binlog event: the 19-byte header fields and the body without the CRC32 trailer, which is verified
/// when the server sends checksums.
/// </summary>
public readonly struct BinlogEvent
{
    public const int HeaderLength = 19;

    public uint Timestamp { get; }
    public byte Type { get; }
    public uint ServerId { get; }
    public uint Size { get; }
    /// <summary>Position of the next event in the binlog file (0 for events the server made up, e.g. the first ROTATE).</summary>
    public uint NextPosition { get; }
    public ushort Flags { get; }
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Where this event starts in its binlog file.</summary>
    public long Position => NextPosition == 0 ? 0 : NextPosition - Size;

    private BinlogEvent(ReadOnlySpan<byte> header, ReadOnlyMemory<byte> body)
    {
        Timestamp = BinaryPrimitives.ReadUInt32LittleEndian(header);
        Type = header[4];
        ServerId = BinaryPrimitives.ReadUInt32LittleEndian(header[5..]);
        Size = BinaryPrimitives.ReadUInt32LittleEndian(header[9..]);
        NextPosition = BinaryPrimitives.ReadUInt32LittleEndian(header[13..]);
        Flags = BinaryPrimitives.ReadUInt16LittleEndian(header[17..]);
        Body = body;
    }

    /// <summary>Splits and checks one event as received from the dump stream.</summary>
    public static BinlogEvent Parse(byte[] data, bool checksummed)
    {
        if (data.Length < HeaderLength) throw new InvalidDataException($"binlog event of {data.Length} bytes is shorter than its header");
        var end = data.Length;
        if (checksummed)
        {
            end -= 4;
            var expected = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(end));
            var actual = Crc32.HashToUInt32(data.AsSpan(0, end));
            if (expected != actual)
                throw new InvalidDataException($"binlog event type {data[4]} at next position {BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(13))} failed its CRC32 check (expected {expected:X8}, computed {actual:X8})");
        }
        return new BinlogEvent(data, data.AsMemory(HeaderLength, end - HeaderLength));
    }
}
