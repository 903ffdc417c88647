using System.Buffers;
using Insights.Contracts.Scores;
using Insights.Processors.Events;
using Insights.Propensity.Members;

namespace Insights.Processors.Members;

/// <summary>
/// What the member store keeps per member: the model's state plus the bookkeeping of score emission.
/// ChangeSequence counts the events that changed the state (a replayed event changes nothing, so it does not
/// count); ModelRolls counts the times a worker with a different model than the one that scored the member
/// last took it over (ModelVersion); ScoredVersion is the <see cref="ScoreVersion"/> the last scores were computed for, so a
/// restarted task knows which members still owe an update. Outbox holds the member's attendance changes not yet sent to the
/// movie owners: written with the state they came from (one key, one changelog record), so a change is either in both
/// or, after a crash, replayed into both; the flush sends and clears it. A deleted member keeps its state until the
/// flush: the flush sends the retractions of its attendances, computed from the state, instead of an outbox of them
/// (each retraction lists the member's other movies, so the whole set grows with the square of the history).
/// </summary>
public sealed class MemberRecord(MemberState state)
{
    private const byte Version = 4;
    private const byte VersionWithoutDeletedAt = 3;
    private const byte VersionWithoutOutbox = 2;
    private const byte VersionWithoutModel = 1;
    internal const int CatalogBits = 33;

    public MemberState State { get; } = state;
    public long ChangeSequence { get; set; }
    public long ModelRolls { get; set; }

    /// <summary>
    /// Freshness rescores whose content changed with no event of the member's own, as counted by earlier builds. No longer
    /// counted (the update version's time part rises with the profiles instead), but kept in the version's high part so
    /// a member's versions do not go down when a worker of this build takes over a record an earlier one wrote.
    /// </summary>
    public long Refreshes { get; set; }

    /// <summary>The model that computed the member's last scores; null for a record written before models were recorded.</summary>
    public string? ModelVersion { get; set; }
    public long ScoredVersion { get; set; }

    /// <summary><see cref="ScoreDigest"/> of the last score update sent: an update that would carry the same content is not sent.</summary>
    public ulong EmittedDigest { get; set; }
    public SourcePosition Source { get; set; } = new();
    public MemberDemographics? Demographics { get; set; }

    /// <summary>Attendance changes waiting to be sent to the movie owners, oldest first.</summary>
    public List<Movies.CoAttendanceUpdate> Outbox { get; } = [];

    /// <summary>The member row was deleted: the record stays until the flush has sent its retractions.</summary>
    public bool Deleted { get; set; }

    /// <summary>
    /// Offset of the deleting event on the member repartition topic: the identity of the retractions the flush computes
    /// from the state (a record written before this field had its retractions in the outbox and an empty state).
    /// </summary>
    public long DeletedAt { get; set; } = -1;

    /// <summary>
    /// The version of this state under a catalog as of catalogChangedAtMs. Layout of the 63 bits:
    /// (ChangeSequence + ModelRolls + Refreshes) in the high 30 bits, a time in seconds in the low 33.
    /// It rises with a state change, a model roll or a catalog change; a model roll adds 1 to the high part,
    /// so the first version under a new model is above every version any earlier model wrote for the member
    /// (they all had a smaller high part). A replay of the same events against the same catalog and model
    /// yields the same number: a member owes new scores when it differs from <see cref="ScoredVersion"/>.
    /// </summary>
    public long ScoreVersion(long catalogChangedAtMs) =>
        ((ChangeSequence + ModelRolls + Refreshes) << CatalogBits) | (Math.Max(0, catalogChangedAtMs / 1000) & ((1L << CatalogBits) - 1));

    /// <summary>
    /// The version a score update carries: <see cref="ScoreVersion"/> with the newest of the catalog's change time and
    /// the movie profiles' publishing time in the low part. Content changes from the profiles alone (other members'
    /// attendances) raise it too, and it never goes down across owners: the high part is replayed from the events, and
    /// the times are read from topics the next owner reads as well. Two updates in one second may carry the same
    /// version; the sinks keep the later of equal versions.
    /// </summary>
    public long UpdateVersion(long catalogChangedAtMs, long profilesPublishedAtMs) =>
        ScoreVersion(Math.Max(catalogChangedAtMs, profilesPublishedAtMs));

    /// <summary>Records that the member is now scored by modelVersion; true (and one more roll) when that is a different model.</summary>
    public bool RollTo(string modelVersion)
    {
        if (ModelVersion == modelVersion) return false;
        ModelVersion = modelVersion;
        ModelRolls++;
        return true;
    }

    public byte[] Encode() => BinaryFields.Encode(this, static (w, record) =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt64(record.ChangeSequence);
        w.Write7BitEncodedInt64(record.ModelRolls);
        w.WriteOptional(record.ModelVersion);
        w.Write(record.ScoredVersion);
        w.WriteSource(record.Source);
        w.Write(record.Demographics is not null);
        if (record.Demographics is { } d)
        {
            w.WriteOptional(d.AgeBand);
            w.WriteOptional(d.Gender);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(MemberStateCodec.MaxSize(record.State));
        try
        {
            var length = MemberStateCodec.Encode(record.State, buffer);
            w.Write7BitEncodedInt(length);
            w.Write(buffer.AsSpan(0, length));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        w.Write(record.Deleted);
        w.Write(record.EmittedDigest);
        w.Write7BitEncodedInt64(record.Refreshes);
        w.Write7BitEncodedInt(record.Outbox.Count);
        foreach (var update in record.Outbox) update.WriteNested(w);
        w.Write7BitEncodedInt64(record.DeletedAt + 1);
    });

    public static MemberRecord Decode(byte[] bytes) => BinaryFields.Decode(bytes, "member record", r =>
    {
        var version = r.ReadByte();
        if (version is not (Version or VersionWithoutDeletedAt or VersionWithoutOutbox or VersionWithoutModel))
            throw new FormatException($"member record version {version} is not supported (this build reads {VersionWithoutModel} to {Version})");
        var sequence = r.Read7BitEncodedInt64();
        // A version-1 record does not say which model scored it: ModelVersion null makes the next flush roll it.
        var rolls = version >= VersionWithoutOutbox ? r.Read7BitEncodedInt64() : 0;
        var model = version >= VersionWithoutOutbox ? r.ReadOptional() : null;
        var emitted = r.ReadInt64();
        var source = r.ReadSource();
        MemberDemographics? demographics = r.ReadBoolean() ? new MemberDemographics { AgeBand = r.ReadOptional(), Gender = r.ReadOptional() } : null;
        var length = r.Read7BitEncodedInt();
        var at = (int)r.BaseStream.Position;
        if (length < 0 || length > bytes.Length - at) throw new FormatException($"member record claims a {length}-byte state with {bytes.Length - at} bytes left");
        var state = MemberStateCodec.Decode(bytes.AsSpan(at, length));
        r.BaseStream.Position = at + length;
        var record = new MemberRecord(state) { ChangeSequence = sequence, ModelRolls = rolls, ModelVersion = model, ScoredVersion = emitted, Source = source, Demographics = demographics };
        if (version < VersionWithoutDeletedAt) return record;
        record.Deleted = r.ReadBoolean();
        record.EmittedDigest = r.ReadUInt64();
        record.Refreshes = r.Read7BitEncodedInt64();
        var pending = r.Read7BitEncodedInt();
        if (pending < 0 || pending > bytes.Length) throw new FormatException($"member record claims {pending} pending updates");
        for (var i = 0; i < pending; i++) record.Outbox.Add(Movies.CoAttendanceUpdate.Decode(r.ReadBytes(r.Read7BitEncodedInt())));
        if (version >= Version) record.DeletedAt = r.Read7BitEncodedInt64() - 1;
        return record;
    });
}
