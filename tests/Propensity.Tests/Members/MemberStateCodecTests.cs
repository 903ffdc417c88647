using Insights.Propensity.Members;
using static Insights.Propensity.Tests.TestCatalog;

namespace Insights.Propensity.Tests.Members;

public class MemberStateCodecTests
{
    private static MemberState Sample()
    {
        var member = new MemberState(42, 3, AudienceCell.Of('M', 40));
        var movies = new[] { 1, 3, 2, 5, 4, 1 };
        for (var i = 0; i < movies.Length; i++)
            member.Apply(new TicketEvent(5000 + i * 3, 42, movies[i], Start + i * Day / 2), (uint)(1 << (i % 3)), Settings);
        return member;
    }

    [Fact]
    public void Encoding_round_trips_every_field()
    {
        var member = Sample();

        var decoded = MemberStateCodec.Decode(MemberStateCodec.Encode(member));

        Assert.Equal(member.MemberId, decoded.MemberId);
        Assert.Equal(member.AudienceCell, decoded.AudienceCell);
        Assert.Equal(member.Tickets.ToArray(), decoded.Tickets.ToArray());
        Assert.Equal(member.Movies.ToArray(), decoded.Movies.ToArray());
        Assert.Equal(member.Times.ToArray(), decoded.Times.ToArray());
        Assert.Equal(member.GenreAffinity.ToArray(), decoded.GenreAffinity.ToArray());
        Assert.Equal(member.GenreAffinityAt, decoded.GenreAffinityAt);
        Assert.Equal(MemberStateCodec.Encode(member), MemberStateCodec.Encode(decoded));
    }

    [Fact]
    public void A_decoded_state_keeps_working()
    {
        var decoded = MemberStateCodec.Decode(MemberStateCodec.Encode(Sample()));

        var replay = decoded.Apply(new TicketEvent(5000, 42, 1, Start), GenreAction, Settings);
        var sale = decoded.Apply(new TicketEvent(9000, 42, 6, Start + 10 * Day), GenreComedy, Settings);

        Assert.Equal(AttendanceChangeKind.None, replay.Kind);
        Assert.Equal(AttendanceChangeKind.Added, sale.Kind);
        Assert.Equal(7, decoded.Count);
    }

    [Fact]
    public void Encoding_is_compact()
    {
        var bytes = MemberStateCodec.Encode(Sample());
        // 6 attendances with small deltas: a few bytes each, plus 3 floats of affinity.
        Assert.True(bytes.Length < 60, $"encoded size {bytes.Length} bytes");
    }

    [Fact]
    public void An_unknown_version_is_rejected_with_its_number()
    {
        var bytes = MemberStateCodec.Encode(Sample());
        bytes[0] = 9;

        var error = Assert.Throws<FormatException>(() => MemberStateCodec.Decode(bytes));

        Assert.Contains("version 9", error.Message);
    }

    [Fact]
    public void Truncated_bytes_are_rejected()
    {
        var bytes = MemberStateCodec.Encode(Sample());

        var error = Assert.Throws<FormatException>(() => MemberStateCodec.Decode(bytes.AsSpan(0, bytes.Length - 3)));

        Assert.Contains("truncated", error.Message);
    }
}
