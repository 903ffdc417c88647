using Insights.Contracts.Scores;

namespace Insights.Processors.Events;

/// <summary>
/// Compact binary form of <see cref="MemberEvent"/> for the member repartition topic (the mock broker keeps
/// 5 MiB per partition, so a ticket event is ~40 bytes here instead of ~1 KB of Debezium JSON).
/// </summary>
public static class MemberEventCodec
{
    private const byte Version = 2;
    // Version 1 had no part: its events read as part 0.
    private const byte VersionWithoutPart = 1;
    private const byte TicketKind = 1;
    private const byte MemberKind = 2;

    public static byte[] Encode(MemberEvent value) => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write(value.Origin.Topic);
        w.Write7BitEncodedInt(value.Origin.Partition);
        w.Write7BitEncodedInt64(value.Origin.Offset);
        if (value.Ticket is { } t)
        {
            w.Write(TicketKind);
            w.Write7BitEncodedInt64(t.TicketId);
            w.Write7BitEncodedInt(t.MemberId);
            w.Write7BitEncodedInt(t.SessionId);
            w.Write7BitEncodedInt(t.MovieId);
            w.Write7BitEncodedInt64(t.AtSeconds);
            w.Write(t.Retract);
            w.WriteSource(t.Source);
        }
        else if (value.Member is { } m)
        {
            w.Write(MemberKind);
            w.Write7BitEncodedInt(m.MemberId);
            w.Write(m.Deleted);
            w.Write(m.AudienceCell);
            w.Write(m.Demographics is not null);
            if (m.Demographics is { } d)
            {
                w.WriteOptional(d.AgeBand);
                w.WriteOptional(d.Gender);
            }
            w.WriteSource(m.Source);
        }
        else throw new ArgumentException("member event without a change", nameof(value));
        w.Write7BitEncodedInt(value.Part);
    });

    public static MemberEvent Decode(byte[] bytes) => BinaryFields.Decode(bytes, "member event", r =>
    {
        var version = r.ReadByte();
        if (version is not (Version or VersionWithoutPart))
            throw new FormatException($"member event version {version} is not supported (this build reads {VersionWithoutPart} and {Version})");
        var origin = new EventOrigin(r.ReadString(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64());
        var change = ReadChange(r, origin);
        if (version < Version) return change;
        var part = r.Read7BitEncodedInt();
        return part is 0 or 1 ? change with { Part = part } : throw new FormatException($"member event part {part} is not 0 or 1");
    });

    private static MemberEvent ReadChange(BinaryReader r, EventOrigin origin)
    {
        var kind = r.ReadByte();
        switch (kind)
        {
            case TicketKind:
            {
                var ticketId = r.Read7BitEncodedInt64();
                var memberId = r.Read7BitEncodedInt();
                var sessionId = r.Read7BitEncodedInt();
                var movieId = r.Read7BitEncodedInt();
                var at = r.Read7BitEncodedInt64();
                var retract = r.ReadBoolean();
                var source = r.ReadSource();
                return new MemberEvent(new TicketChange(ticketId, memberId, sessionId, at, retract, source) { MovieId = movieId }, null, origin);
            }
            case MemberKind:
            {
                var memberId = r.Read7BitEncodedInt();
                var deleted = r.ReadBoolean();
                var cell = r.ReadByte();
                MemberDemographics? demographics = r.ReadBoolean() ? new MemberDemographics { AgeBand = r.ReadOptional(), Gender = r.ReadOptional() } : null;
                return new MemberEvent(null, new MemberChange(memberId, deleted, cell, demographics, r.ReadSource()), origin);
            }
            default: throw new FormatException($"member event kind {kind} is unknown");
        }
    }
}
