using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Processors.Tests.Hosting;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.DeadLetters;

public sealed class StreamErrorBroker() : KafkaBroker(ProcessorManifest.For(StreamErrorDeadLettersTests.ApplicationId, "cdc", 4));

/// <summary>
/// A worker's stream meets records its own code never sees: one on an internal topic its serdes cannot read, and one
/// too large for its producer to write. Each becomes a dead letter naming its reason and origin, and the stream goes on.
/// </summary>
public sealed class StreamErrorDeadLettersTests(StreamErrorBroker broker) : IClassFixture<StreamErrorBroker>
{
    public const string ApplicationId = "insights-processors-stream-errors";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unreadable_and_unwritable_records_become_dead_letters_and_the_records_after_them_are_processed()
    {
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), Ct);
        var counted = new Dictionary<string, int>();
        using var meter = CountDeadLetters(counted);
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var letters = new RecordedTopic(broker.BootstrapServers, TopicNames.DeadLetter, 1);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, MessageMaxBytes = 1_048_576 }).Build();
        // A ticket-keyed source: only then does the worker read the member repartition topic, through a serde that can fail.
        var settings = ScoringStreamBrokerTests.Settings(modelPath, ApplicationId) with { TicketsKeyedByMember = false };
        using var stream = new ScoringStream(settings, new KafkaSettings { BootstrapServers = broker.BootstrapServers },
            NullLoggerFactory.Instance);
        await ScoringStreamBrokerTests.StartAsync(stream);

        // An internal topic written by something else: bytes that are no member event, then a member event.
        var repartition = ProcessorTopics.RepartitionTopic(ApplicationId);
        byte[] junk = [0xff, 0x00, 0x13, 0x37];
        var unreadable = await ProduceAsync(producer, repartition, 2, "41", junk);
        var origin = new EventOrigin("test", 0, 0);
        var member = new MemberChange(42, false, 0, new MemberDemographics { Gender = "F" }, new SourcePosition { TsMs = 1 });
        await ProduceAsync(producer, repartition, 2, "42", MemberEventCodec.Encode(new MemberEvent(null, member, origin)));

        // A CDC record so large that its dead letter (the record plus the reason) is over message.max.bytes, then a member row.
        var changes = new CinemaChanges();
        var huge = Encoding.UTF8.GetBytes("<" + new string('x', 999_898) + ">");
        var unwritable = await ProduceAsync(producer, "cdc.cinema.members", 1, "43", huge);
        var witness = changes.Member(44, 1990, "M");
        await ProduceAsync(producer, "cdc.cinema.members", 1, "44", witness.Value);

        await Poll.UntilAsync(() => stream.Failed || (scores.Latest.ContainsKey("42") && scores.Latest.ContainsKey("44") && letters.Records.Count >= 2),
            () => $"members 42 and 44 scored and two dead letters ({letters.Records.Count}), stream {stream.State}", Limit, Ct);
        Assert.False(stream.Failed);

        var deserialize = Assert.Single(letters.Records, r => RecordedTopic.Header(r, DeadLetterHeaders.Stage) == StreamErrorDeadLetters.DeserializeStage);
        Assert.Equal(junk, deserialize.Message.Value);
        Assert.Equal("41"u8.ToArray(), deserialize.Message.Key);
        Assert.StartsWith("FormatException: ", RecordedTopic.Header(deserialize, DeadLetterHeaders.Error));
        AssertOrigin(unreadable, deserialize);

        var produce = Assert.Single(letters.Records, r => RecordedTopic.Header(r, DeadLetterHeaders.Stage) == StreamErrorDeadLetters.ProduceStage);
        // The parse failure's headers come first, the production failure's after them.
        Assert.Equal(["parse", "produce"], RecordedTopic.Headers(produce, DeadLetterHeaders.Stage));
        var errors = RecordedTopic.Headers(produce, DeadLetterHeaders.Error);
        Assert.StartsWith("FormatException: change event is not JSON", errors[0]);
        Assert.StartsWith("KafkaException: writing to insights.deadletter: ", errors[1]);
        AssertOrigin(unwritable, produce);
        Assert.Equal("43"u8.ToArray(), produce.Message.Key);
        Assert.Equal(huge[..produce.Message.Value!.Length], produce.Message.Value);
        Assert.True(produce.Message.Value.Length is > 990_000 and < 999_900, $"kept {produce.Message.Value.Length} bytes");
        Assert.Equal($"value {huge.Length} bytes, first {produce.Message.Value.Length} kept", RecordedTopic.Header(produce, DeadLetterHeaders.Truncated));

        Assert.True(counted.GetValueOrDefault(StreamErrorDeadLetters.DeserializeStage) >= 1, "the deserialization dead letter was not counted");
        Assert.True(counted.GetValueOrDefault(StreamErrorDeadLetters.ProduceStage) >= 1, "the production dead letter was not counted");
    }

    [Fact]
    public void An_error_about_the_cluster_or_a_dead_letter_that_cannot_be_written_stops_the_stream()
    {
        using var deadLetters = new StreamErrorDeadLetters(new KafkaSettings { BootstrapServers = "127.0.0.1:9" }, NullLogger.Instance, TimeSpan.FromSeconds(2));
        var message = new Message<byte[], byte[]> { Key = "1"u8.ToArray(), Value = new byte[10], Headers = [] };
        DeliveryReport<byte[], byte[]> Report(ErrorCode code) => new()
        {
            Message = message, TopicPartitionOffsetError = new TopicPartitionOffsetError(TopicNames.Scores, 0, Offset.Unset, new Error(code)),
        };

        // A timeout or a lost broker is not the record's fault: a dead letter would lose a score the next attempt writes.
        Assert.Equal(Streamiz.Kafka.Net.ProductionExceptionHandlerResponse.FAIL, deadLetters.OnProductionError(Report(ErrorCode.Local_MsgTimedOut)));
        // The record's fault, but nowhere to put it: the stream stops rather than drop it.
        Assert.Equal(Streamiz.Kafka.Net.ProductionExceptionHandlerResponse.FAIL, deadLetters.OnProductionError(Report(ErrorCode.MsgSizeTooLarge)));
    }

    private static async Task<TopicPartitionOffset> ProduceAsync(IProducer<byte[], byte[]> producer, string topic, int partition, string key, byte[] value) =>
        (await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value }, Ct))
        .TopicPartitionOffset;

    private static void AssertOrigin(TopicPartitionOffset origin, ConsumeResult<byte[]?, byte[]?> letter)
    {
        Assert.Equal(origin.Topic, RecordedTopic.Header(letter, DeadLetterHeaders.SourceTopic));
        Assert.Equal(origin.Partition.Value.ToString(), RecordedTopic.Header(letter, DeadLetterHeaders.SourcePartition));
        Assert.Equal(origin.Offset.Value.ToString(), RecordedTopic.Header(letter, DeadLetterHeaders.SourceOffset));
    }

    /// <summary>Counts the worker's dead-letter metric by stage (the meter is process-wide: other tests' stages are counted too).</summary>
    private static MeterListener CountDeadLetters(Dictionary<string, int> counted)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Telemetry.ProcessorMetrics.MeterName && instrument.Name == "insights.worker.dead_letters") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "stage" && tag.Value is string stage)
                    lock (counted) counted[stage] = counted.GetValueOrDefault(stage) + (int)value;
        });
        listener.Start();
        return listener;
    }
}
