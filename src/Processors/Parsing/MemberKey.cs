using System.Globalization;
using System.Text;

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

    public static bool Is(byte[]? key, long memberId) => key is not null && key.AsSpan().SequenceEqual(Of(memberId));
}
