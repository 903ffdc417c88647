using Insights.Contracts.Scores;
using Insights.Processors.Events;
using Insights.Propensity.Members;

namespace Insights.Processors.Members;

/// <summary>
/// What the member store keeps per member: the model's state plus the bookkeeping of score emission.
/// ChangeSequence counts the events that changed the state (a replayed event changes nothing, so it does not
/// count); EmittedVersion is the version of the last score update sent, so a restarted task knows which
/// members still owe one.
/// </summary>
public sealed class MemberRecord(MemberState state)
{
    private const byte Version = 1;

    public MemberState State { get; } = state;
    public long ChangeSequence { get; set; }
    public long EmittedVersion { get; set; }
    public SourcePosition Source { get; set; } = new();
    public MemberDemographics? Demographics { get; set; }

    /// <summary>
    /// The score version for this state under a catalog as of catalogChangedAtMs: the change sequence in the
    /// high bits and the catalog's change time (seconds) in the low 33 bits, so it rises with either and a
    /// replay of the same events against the same catalog yields the same number.
    /// </summary>
    public long ScoreVersion(long catalogChangedAtMs) => (ChangeSequence << 33) | (Math.Max(0, catalogChangedAtMs / 1000) & ((1L << 33) - 1));

    public byte[] Encode() => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt64(ChangeSequence);
        w.Write(EmittedVersion);
        w.WriteSource(Source);
        w.Write(Demographics is not null);
        if (Demographics is { } d)
        {
            w.WriteOptional(d.AgeBand);
            w.WriteOptional(d.Gender);
        }
        var state = MemberStateCodec.Encode(State);
        w.Write7BitEncodedInt(state.Length);
        w.Write(state);
    });

    public static MemberRecord Decode(byte[] bytes) => BinaryFields.Decode(bytes, "member record", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"member record version {version} is not supported (this build reads {Version})");
        var sequence = r.Read7BitEncodedInt64();
        var emitted = r.ReadInt64();
        var source = r.ReadSource();
        MemberDemographics? demographics = r.ReadBoolean() ? new MemberDemographics { AgeBand = r.ReadOptional(), Gender = r.ReadOptional() } : null;
        var length = r.Read7BitEncodedInt();
        var state = MemberStateCodec.Decode(r.ReadBytes(length));
        return new MemberRecord(state) { ChangeSequence = sequence, EmittedVersion = emitted, Source = source, Demographics = demographics };
    });
}
