using System.Buffers.Binary;

namespace Insights.Propensity.Members;

/// <summary>
/// Compact, versioned binary form of <see cref="MemberState"/> for a key-value store. Layout (version 1):
/// version byte, member id, audience cell, count, then per attendance the zigzag varint deltas of ticket
/// id and time and the movie id as a varint (times are sorted, so deltas are small), then the genre
/// count, the affinity time and one float32 per genre (little endian).
/// </summary>
public static class MemberStateCodec
{
    public const byte Version = 1;

    /// <summary>Upper bound of the encoded size, for renting a buffer.</summary>
    public static int MaxSize(MemberState state) => 1 + 5 + 1 + 5 + state.Count * (10 + 5 + 10) + 1 + 10 + 4 * state.GenreAffinity.Length;

    public static byte[] Encode(MemberState state)
    {
        var buffer = new byte[MaxSize(state)];
        var length = Encode(state, buffer);
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>Writes the state into destination and returns the number of bytes written.</summary>
    public static int Encode(MemberState state, Span<byte> destination)
    {
        var writer = new VarintWriter(destination);
        writer.Byte(Version);
        writer.Unsigned((uint)state.MemberId);
        writer.Byte(state.AudienceCell);
        writer.Unsigned((uint)state.Count);
        long previousTicket = 0, previousTime = 0;
        for (var i = 0; i < state.Count; i++)
        {
            writer.Signed(state.Tickets[i] - previousTicket);
            writer.Unsigned((uint)state.Movies[i]);
            writer.Signed(state.Times[i] - previousTime);
            previousTicket = state.Tickets[i];
            previousTime = state.Times[i];
        }
        writer.Byte((byte)state.GenreAffinity.Length);
        writer.Signed(state.GenreAffinityAt);
        foreach (var value in state.GenreAffinity) writer.Single(value);
        return writer.Position;
    }

    /// <summary>Reads a state; throws <see cref="FormatException"/> naming the problem for unknown versions or damaged bytes.</summary>
    public static MemberState Decode(ReadOnlySpan<byte> source)
    {
        var reader = new VarintReader(source);
        var version = reader.Byte();
        if (version != Version)
            throw new FormatException($"member state version {version} is not supported (this build reads version {Version})");
        var memberId = (int)reader.Unsigned();
        var cell = reader.Byte();
        var count = (int)reader.Unsigned();
        if (count < 0 || count > source.Length) throw new FormatException($"member state claims {count} attendances in {source.Length} bytes");
        var capacity = Math.Max(8, count);
        var tickets = new long[capacity];
        var movies = new int[capacity];
        var times = new long[capacity];
        long ticket = 0, time = 0;
        for (var i = 0; i < count; i++)
        {
            ticket += reader.Signed();
            movies[i] = (int)reader.Unsigned();
            time += reader.Signed();
            tickets[i] = ticket;
            times[i] = time;
        }
        var genreCount = reader.Byte();
        if (genreCount > Catalog.MovieCatalog.MaxGenres) throw new FormatException($"member state has {genreCount} genres, at most {Catalog.MovieCatalog.MaxGenres} are possible");
        var affinityAt = reader.Signed();
        var affinity = new float[genreCount];
        for (var g = 0; g < genreCount; g++) affinity[g] = reader.Single();
        if (!reader.AtEnd) throw new FormatException("member state has trailing bytes");
        return MemberState.Restore(memberId, cell, tickets, movies, times, count, affinity, affinityAt);
    }

    private ref struct VarintWriter(Span<byte> buffer)
    {
        private readonly Span<byte> buffer = buffer;
        public int Position;

        public void Byte(byte value) => buffer[Position++] = value;

        public void Unsigned(ulong value)
        {
            while (value >= 0x80)
            {
                buffer[Position++] = (byte)(value | 0x80);
                value >>= 7;
            }
            buffer[Position++] = (byte)value;
        }

        public void Signed(long value) => Unsigned((ulong)((value << 1) ^ (value >> 63)));

        public void Single(float value)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer[Position..], value);
            Position += 4;
        }
    }

    private ref struct VarintReader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> buffer = buffer;
        private int position;

        public readonly bool AtEnd => position == buffer.Length;

        public byte Byte() => position < buffer.Length ? buffer[position++] : throw Truncated();

        public ulong Unsigned()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new FormatException("member state has a varint longer than 10 bytes");
        }

        public long Signed()
        {
            var raw = Unsigned();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        public float Single()
        {
            if (buffer.Length - position < 4) throw Truncated();
            var value = BinaryPrimitives.ReadSingleLittleEndian(buffer[position..]);
            position += 4;
            return value;
        }

        private static FormatException Truncated() => new("member state bytes end early (truncated value)");
    }
}
