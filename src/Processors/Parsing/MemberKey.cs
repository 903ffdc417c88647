using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Insights.Processors.Parsing;

/// <summary>
/// The key Debezium's JSON converter (schemas off) gives a row keyed by its member, `{"member_id":N}`: the members
/// table's primary key, and the tickets table's key under message.key.columns `cinema.tickets:member_id`. Equal bytes
/// under one producer partitioner put a member's ticket and member events in the same partition of the two topics.
/// </summary>
public static class MemberKey
{
    public static byte[] Of(long memberId) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"member_id":{{memberId}}}"""));

    /// <summary>Whether <paramref name="key"/> is exactly <see cref="Of"/>(memberId); checked per ticket, so without allocating.</summary>
    public static bool Is(byte[]? key, long memberId)
    {
        Span<byte> expected = stackalloc byte[48];
        return key is not null
            && Utf8.TryWrite(expected, CultureInfo.InvariantCulture, $$"""{"member_id":{{memberId}}}""", out var written)
            && key.AsSpan().SequenceEqual(expected[..written]);
    }
}
