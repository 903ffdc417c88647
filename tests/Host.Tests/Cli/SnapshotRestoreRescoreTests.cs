using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Commands;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Cli;
using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.Kafka;
using Insights.Sinks.Kafka;
using Insights.TestSupport;

namespace Insights.Host.Tests.Cli;

/// <summary>A broker with the scores topic and the workers' commands topic, as a deployment has them.</summary>
public sealed class RestoreTopics() : KafkaBroker(new TopicManifest([
    new TopicSpec(TopicNames.Scores, 4, CleanupPolicy.Compact),
    new TopicSpec(TopicNames.ProcessorCommands, 1, CleanupPolicy.Compact),
]));

/// <summary>
/// `insights snapshot restore` asks the workers to re-send every member's current scores once the restore is done (the
/// snapshot may be older than their state): one rescore command on the commands topic naming the snapshot, unless
/// --no-rescore.
/// </summary>
public sealed class SnapshotRestoreRescoreTests(RestoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<RestoreTopics>, IClassFixture<ElasticsearchServer>
{
    [Fact]
    public async Task A_restore_to_either_target_writes_one_rescore_command_naming_the_snapshot_unless_told_not_to()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All }).Build())
            for (var member = 1; member <= 12; member++)
                await producer.ProduceAsync(TopicNames.Scores, new Message<string, byte[]> { Key = ScoreRecords.Key(member), Value = ScoreRecords.Value(Update(member)) }, ct);
        var environment = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Snapshots__LocalPath"] = Directory.CreateTempSubdirectory("insights-restore-rescore-").FullName,
            ["Elasticsearch__Url"] = elasticsearch.BaseUri.ToString(),
            ["Elasticsearch__Alias"] = ElasticsearchServer.UniqueName("restored"),
        };
        var take = await InsightsRun.StartAsync(["snapshot", "take"], environment);
        Assert.True(take.ExitCode == 0, take.ToString());
        var snapshot = take.Output.Split(' ', ':')[1];

        var toTopic = await InsightsRun.StartAsync(["snapshot", "restore", "--to", "topic", "--force"], environment);
        var toIndex = await InsightsRun.StartAsync(["snapshot", "restore", "--to", "elasticsearch"], environment);
        var skipped = await InsightsRun.StartAsync(["snapshot", "restore", "--to", "elasticsearch", "--no-rescore"], environment);

        foreach (var run in new[] { toTopic, toIndex, skipped }) Assert.True(run.ExitCode == 0, run.ToString());
        var commands = Commands();
        Assert.Equal(2, commands.Count);
        Assert.Equal($"snapshot {snapshot} restored to topic", commands[0].Reason);
        Assert.Equal($"snapshot {snapshot} restored to elasticsearch", commands[1].Reason);
        Assert.NotEqual(commands[0].Id, commands[1].Id);
        Assert.Contains($"asked the workers to re-send every member's current scores (rescore command {commands[0].Id} on {TopicNames.ProcessorCommands})", toTopic.Output);
        Assert.Contains($"rescore command {commands[1].Id}", toIndex.Output);
        Assert.Contains("the workers were not asked to rescore (--no-rescore)", skipped.Output);
    }

    /// <summary>Every record of the commands topic, decoded as the workers decode it.</summary>
    private List<RescoreCommand> Commands()
    {
        var commands = new List<RescoreCommand>();
        TopicHistory.Read(kafka.BootstrapServers, TopicNames.ProcessorCommands, 1,
            (_, record) => commands.Add(RescoreCommand.Decode(Encoding.UTF8.GetString(record.Message.Key), record.Message.Value)));
        return commands;
    }

    private static ScoreUpdate Update(long member) => new()
    {
        MemberId = member, Version = 3, ModelVersion = "test-1", Source = new SourcePosition { TsMs = 1_768_068_000_000 }, ComputedAtMs = 1_768_068_000_500,
        Scores = [new MovieScore(1, 0.25, false), new MovieScore(2, 0.125, true)],
    };
}
