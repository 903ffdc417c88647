using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

/// <summary>The optional cause on a score update: old records without it still read, and a cause added later reads as a rescore.</summary>
public sealed class ScoreCauseReadTests
{
    private static readonly TopicPartitionOffset Where = new(TopicNames.Scores, 0, 1);

    [Fact]
    public void A_record_written_before_causes_reads_with_no_cause_and_counts_as_a_rescore()
    {
        const string old = """{"schema":1,"member_id":7,"version":3,"model_version":"m1","source":{"gtid":"0-1-5","pos":0,"row":0,"ts_ms":1700000000000},"computed_at_ms":1700000000100,"scores":[{"movie_id":1,"score":0.01,"seen":false}]}""";

        var read = ScoreRecords.Read(Encoding.UTF8.GetBytes("7"), Encoding.UTF8.GetBytes(old), Where);

        Assert.Null(read.Problem);
        Assert.Null(read.Change!.Update!.Cause);
        Assert.False(ScoreCauses.IsMemberEvent(read.Change.Update.Cause));
    }

    [Fact]
    public void A_cause_is_written_in_snake_case_and_read_back()
    {
        var update = ScoreUpdates.For(7, 3) with { Cause = ScoreCauses.MemberEvent };
        var json = JsonSerializer.SerializeToUtf8Bytes(update, ContractsJsonContext.Default.ScoreUpdate);

        var read = ScoreRecords.Read(Encoding.UTF8.GetBytes("7"), json, Where);

        Assert.Contains("\"cause\":\"member_event\"", Encoding.UTF8.GetString(json));
        Assert.True(ScoreCauses.IsMemberEvent(read.Change!.Update!.Cause));
    }

    [Fact]
    public void A_cause_this_reader_does_not_know_reads_as_a_rescore()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(ScoreUpdates.For(7, 3) with { Cause = "audit_replay" }, ContractsJsonContext.Default.ScoreUpdate);

        var read = ScoreRecords.Read(Encoding.UTF8.GetBytes("7"), json, Where);

        Assert.Null(read.Problem);
        Assert.False(ScoreCauses.IsMemberEvent(read.Change!.Update!.Cause));
    }
}
