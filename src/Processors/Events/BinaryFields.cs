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

    public static byte[] Encode(Action<BinaryWriter> write) => Encode(write, static (w, write) => write(w));

    /// <summary>The bytes <paramref name="write"/> writes given <paramref name="state"/> (a static lambda allocates no closure).</summary>
    public static byte[] Encode<TState>(TState state, Action<BinaryWriter, TState> write)
    {
        var writer = Rent();
        try
        {
            write(writer, state);
            return ((MemoryStream)writer.BaseStream).ToArray();
        }
        finally { Return(); }
    }

    /// <summary>Writes what <paramref name="write"/> writes as a nested record: its length, then its bytes.</summary>
    public static void WriteNested<TState>(this BinaryWriter target, TState state, Action<BinaryWriter, TState> write)
    {
        var writer = Rent();
        try
        {
            write(writer, state);
            var stream = (MemoryStream)writer.BaseStream;
            target.Write7BitEncodedInt((int)stream.Length);
            target.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        }
        finally { Return(); }
    }

    // Records are encoded on the stream threads several times per ticket (a member record with its outbox, each
    // update, each batch): every thread reuses one buffer per nesting level instead of growing a fresh stream each
    // time, which was a tenth of everything a worker allocated.
    [ThreadStatic] private static List<BinaryWriter>? writers;
    [ThreadStatic] private static int depth;
    private const int KeptCapacity = 1 << 20;

    private static BinaryWriter Rent()
    {
        var pool = writers ??= [];
        if (depth == pool.Count) pool.Add(new BinaryWriter(new MemoryStream()));
        var writer = pool[depth++];
        writer.BaseStream.SetLength(0);
        return writer;
    }

    private static void Return()
    {
        depth--;
        // A rare huge record does not keep its buffer for the thread's life.
        if (((MemoryStream)writers![depth].BaseStream).Capacity > KeptCapacity) writers[depth] = new BinaryWriter(new MemoryStream());
    }
}
