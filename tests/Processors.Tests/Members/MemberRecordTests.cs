using Insights.Contracts.Cinema;
using Insights.Processors.Members;
using Insights.Propensity.Members;

namespace Insights.Processors.Tests.Members;

/// <summary>The member record's score version: its layout, and what makes it rise.</summary>
public sealed class MemberRecordTests
{
    private const long CatalogMs = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    private static MemberRecord Record(long changes, string model) =>
        new(new MemberState(7, CinemaGenres.All.Count)) { ChangeSequence = changes, ModelVersion = model };

    [Fact]
    public void The_version_holds_the_change_sequence_above_the_catalog_seconds()
    {
        var version = Record(5, "a").ScoreVersion(CatalogMs);

        Assert.Equal(5, version >> 33);
        Assert.Equal(CatalogMs / 1000, version & ((1L << 33) - 1));
    }

    [Fact]
    public void An_update_carries_the_newer_of_the_catalog_and_profile_times()
    {
        var record = Record(5, "a");
        var profilesMs = CatalogMs + 90_000;

        Assert.Equal(record.ScoreVersion(profilesMs), record.UpdateVersion(CatalogMs, profilesMs));
        Assert.Equal(record.ScoreVersion(CatalogMs), record.UpdateVersion(CatalogMs, CatalogMs - 90_000));
    }

    [Fact]
    public void Profiles_published_later_raise_the_update_version_with_no_change_of_the_member()
    {
        var record = Record(5, "a");
        var first = record.UpdateVersion(CatalogMs, CatalogMs + 1_000);

        Assert.True(record.UpdateVersion(CatalogMs, CatalogMs + 2_000) > first);
        // What owes the member new scores is its own state and the catalog, not the profiles.
        Assert.Equal(record.ScoreVersion(CatalogMs), Record(5, "a").ScoreVersion(CatalogMs));
    }

    [Fact]
    public void Refreshes_counted_by_an_earlier_build_stay_in_the_version()
    {
        var record = Record(5, "a");
        record.Refreshes = 3;

        var decoded = MemberRecord.Decode(record.Encode());

        Assert.Equal(8, decoded.UpdateVersion(CatalogMs, 0) >> 33);
    }

    [Fact]
    public void A_model_roll_raises_the_version_above_every_version_of_the_earlier_model()
    {
        var record = Record(5, "model-a");
        // The highest version model A could have written for this state: any later catalog change time.
        var highestOfA = record.ScoreVersion((1L << 33) * 1000 - 1);

        Assert.True(record.RollTo("model-b"));

        Assert.True(record.ScoreVersion(0) > highestOfA);
        Assert.Equal("model-b", record.ModelVersion);
    }

    [Fact]
    public void The_same_model_is_not_a_roll()
    {
        var record = Record(5, "model-a");
        var before = record.ScoreVersion(CatalogMs);

        Assert.False(record.RollTo("model-a"));

        Assert.Equal(before, record.ScoreVersion(CatalogMs));
    }

    [Fact]
    public void The_model_and_its_rolls_survive_encoding()
    {
        var record = Record(5, "model-a");
        record.RollTo("model-b");
        record.ScoredVersion = record.ScoreVersion(CatalogMs);

        var decoded = MemberRecord.Decode(record.Encode());

        Assert.Equal("model-b", decoded.ModelVersion);
        Assert.Equal(1, decoded.ModelRolls);
        Assert.Equal(record.ScoreVersion(CatalogMs), decoded.ScoreVersion(CatalogMs));
        Assert.Equal(record.ScoredVersion, decoded.ScoredVersion);
    }

    [Fact]
    public void Unsent_attendance_changes_the_deletion_mark_and_the_sent_digest_survive_encoding()
    {
        var record = Record(3, "m-1");
        var change = record.State.Apply(new TicketEvent(100, 7, 42, 1_767_225_600), 1, Propensity.ModelSettings.Default);
        record.Outbox.Add(Insights.Processors.Movies.CoAttendanceUpdate.From(record.State, change, eventOffset: 12, index: 0)!);
        record.Deleted = true;
        record.DeletedAt = 57;
        record.EmittedDigest = 0xfeedbeef;

        var read = MemberRecord.Decode(record.Encode());

        var update = Assert.Single(read.Outbox);
        Assert.Equal((42, 1, 12L, 0), (update.MovieId, update.Sign, update.EventOffset, update.Index));
        Assert.True(read.Deleted);
        Assert.Equal(57, read.DeletedAt);
        Assert.Equal(0xfeedbeefUL, read.EmittedDigest);
    }

    [Fact]
    public void A_record_written_before_models_were_recorded_is_rolled_by_any_model()
    {
        var current = Record(5, "model-a");
        // Version 1's layout: no model rolls and no model version.
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write((byte)1);
            w.Write7BitEncodedInt64(5);            // change sequence
            w.Write(0L);                           // emitted version
            w.Write(false); w.Write(false);        // source: no GTID, no file
            w.Write7BitEncodedInt64(0); w.Write7BitEncodedInt(0); w.Write7BitEncodedInt64(0);
            w.Write(false);                        // no demographics
            var state = MemberStateCodec.Encode(current.State);
            w.Write7BitEncodedInt(state.Length);
            w.Write(state);
        }
        var legacy = buffer.ToArray();

        var decoded = MemberRecord.Decode(legacy);

        Assert.Null(decoded.ModelVersion);
        Assert.Equal(5, decoded.ChangeSequence);
        Assert.True(decoded.RollTo("model-a"));
        Assert.True(decoded.ScoreVersion(CatalogMs) > current.ScoreVersion(CatalogMs));
    }

    [Fact]
    public void An_unknown_record_version_is_refused_with_its_number()
    {
        var bytes = Record(1, "a").Encode();
        bytes[0] = 9;

        var error = Assert.Throws<FormatException>(() => MemberRecord.Decode(bytes));
        Assert.Contains("version 9", error.Message);
    }
}
