using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Sinks.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Api;

/// <summary>
/// The API's two topic subscriptions as one hosted service: the scores topic (feeding the in-memory view when
/// it is the source, and the live stats either way; from the beginning for the view, from the end when only
/// the stats need it) and the movies CDC topic (titles for the picker, always from the beginning). A record
/// that is not a valid score record is logged with its position, counted and skipped: one bad record must not
/// blind the API.
/// </summary>
public sealed class ApiFeeds(KafkaSettings kafka, ApiSettings settings, ScoreStats stats, MovieDirectory movies,
    ILogger<ApiFeeds> logger, TopicAudienceView? view = null) : BackgroundService
{
    public TopicTail Scores { get; } = new(kafka, settings.ScoresTopic, fromBeginning: view is not null, logger, settings.FetchWaitMaxMs);
    public TopicTail Movies { get; } = new(kafka, settings.MoviesTopic, fromBeginning: true, logger, settings.FetchWaitMaxMs);

    /// <summary>True once the score view (when there is one) and the movie list hold everything that was on their topics at start.</summary>
    public bool CaughtUp => Scores.CaughtUp && Movies.CaughtUp;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        Scores.RunAsync((record, live) =>
        {
            var read = ScoreRecords.Read(record.Message.Key, record.Message.Value, record.TopicPartitionOffset);
            if (read.Change is not { } change)
            {
                Sinks.Telemetry.SinkMetrics.Skipped("api");
                logger.LogWarning("api: skipped a score record: {Problem}", read.Problem);
                return;
            }
            view?.Apply(change);
            if (live && change.Update is { } update) stats.Record(update.Source.TsMs, update.ComputedAtMs, ScoreCauses.IsMemberEvent(update.Cause));
        }, stoppingToken),
        Movies.RunAsync((record, _) =>
        {
            try { movies.Apply(record.Message.Value); }
            catch (FormatException e) { logger.LogWarning("api: skipped {Where} of the movies topic: {Problem}", record.TopicPartitionOffset, e.Message); }
        }, stoppingToken));
}
