using System.Buffers.Binary;
using System.Text;

namespace Insights.Capture.Protocol;

/// <summary>Little-endian reading of protocol and binlog payloads, with MySQL's length-encoded integers and strings.</summary>
public ref struct PacketReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    public int Offset;

    public readonly int Remaining => data.Length - Offset;
    public readonly ReadOnlySpan<byte> Rest => data[Offset..];

    public byte U8() => data[Offset++];
    public ushort U16() { var v = BinaryPrimitives.ReadUInt16LittleEndian(data[Offset..]); Offset += 2; return v; }
    public uint U24() { var v = (uint)(data[Offset] | data[Offset + 1] << 8 | data[Offset + 2] << 16); Offset += 3; return v; }
    public uint U32() { var v = BinaryPrimitives.ReadUInt32LittleEndian(data[Offset..]); Offset += 4; return v; }
    public ulong U48() { var v = (ulong)U32() | (ulong)U16() << 32; return v; }
    public ulong U64() { var v = BinaryPrimitives.ReadUInt64LittleEndian(data[Offset..]); Offset += 8; return v; }

    public ReadOnlySpan<byte> Bytes(int count) { var v = data.Slice(Offset, count); Offset += count; return v; }

    public void Skip(int count) => Offset += count;

    public ulong LengthEncoded()
    {
        var first = U8();
        return first switch
        {
            < 0xFB => first,
            0xFC => U16(),
            0xFD => U24(),
            0xFE => U64(),
            _ => throw new InvalidDataException($"invalid length-encoded integer prefix 0x{first:X2}"),
        };
    }

    public string LengthEncodedString() => Encoding.UTF8.GetString(Bytes(checked((int)LengthEncoded())));

    public string NullTerminatedString()
    {
        var end = data[Offset..].IndexOf((byte)0);
        if (end < 0) end = Remaining;
        var v = Encoding.UTF8.GetString(data.Slice(Offset, end));
        Offset += Math.Min(end + 1, Remaining);
        return v;
    }

    public string RestAsString() { var v = Encoding.UTF8.GetString(Rest); Offset = data.Length; return v; }
}
