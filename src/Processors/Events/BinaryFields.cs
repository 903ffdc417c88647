using Insights.Contracts.Scores;

namespace Insights.Processors.Events;

/// <summary>Shared field encodings of the processors' internal binary records (varints, optional strings, source positions).</summary>
internal static class BinaryFields
{
    public static void WriteOptional(this BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null) writer.Write(value);
    }

    public static string? ReadOptional(this BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    public static void WriteSource(this BinaryWriter writer, SourcePosition source)
    {
        writer.WriteOptional(source.Gtid);
        writer.WriteOptional(source.File);
        writer.Write7BitEncodedInt64(source.Pos);
        writer.Write7BitEncodedInt(source.Row);
        writer.Write7BitEncodedInt64(source.TsMs);
    }

    public static SourcePosition ReadSource(this BinaryReader reader) => new()
    {
        Gtid = reader.ReadOptional(),
        File = reader.ReadOptional(),
        Pos = reader.Read7BitEncodedInt64(),
        Row = reader.Read7BitEncodedInt(),
        TsMs = reader.Read7BitEncodedInt64(),
    };

    /// <summary>Runs a decoder and turns a short or damaged buffer into a FormatException naming the record kind.</summary>
    public static T Decode<T>(byte[] bytes, string kind, Func<BinaryReader, T> read)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
            var value = read(reader);
            if (reader.BaseStream.Position != bytes.Length) throw new FormatException($"{kind} has trailing bytes");
            return value;
        }
        catch (EndOfStreamException e) { throw new FormatException($"{kind} bytes end early", e); }
    }

    public static byte[] Encode(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) write(writer);
        return stream.ToArray();
    }
}
