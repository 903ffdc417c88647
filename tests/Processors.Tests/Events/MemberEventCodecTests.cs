using Insights.Contracts.Scores;
using Insights.Processors.Events;

namespace Insights.Processors.Tests.Events;

/// <summary>The member event as the waiting-tickets queue and the member repartition topic keep it.</summary>
public sealed class MemberEventCodecTests
{
    private static readonly MemberEvent Addition = new(new TicketChange(100, 7, 30, 1_767_225_600, false, new SourcePosition { Pos = 42 }) { MovieId = 2 },
        null, new EventOrigin("cdc.cinema.tickets", 3, 17))
    { Part = 1 };

    [Fact]
    public void A_changes_place_in_its_source_record_survives_encoding()
    {
        var read = MemberEventCodec.Decode(MemberEventCodec.Encode(Addition));

        Assert.Equal(1, read.Part);
        Assert.Equal((100L, 7, 30, 2), (read.Ticket!.TicketId, read.Ticket.MemberId, read.Ticket.SessionId, read.Ticket.MovieId));
        Assert.Equal(Addition.Origin, read.Origin);
    }

    [Fact]
    public void An_event_written_before_parts_were_recorded_reads_as_the_first_change_of_its_record()
    {
        var current = MemberEventCodec.Encode(Addition);
        // Version 1: the same bytes with version 1 and without the trailing part.
        var legacy = current[..^1];
        legacy[0] = 1;

        var read = MemberEventCodec.Decode(legacy);

        Assert.Equal(0, read.Part);
        Assert.Equal(100, read.Ticket!.TicketId);
    }
}
