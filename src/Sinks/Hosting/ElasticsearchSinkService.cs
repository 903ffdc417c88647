using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Hosting;

/// <summary>The Elasticsearch sink as a hosted service: makes sure the index exists, then runs the consume loop until stopped.</summary>
public sealed class ElasticsearchSinkService(ScoreIndex index, ScoreTopicConsumer consumer, ILogger<ElasticsearchSinkService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await index.EnsureAsync(stoppingToken);
        logger.LogInformation("sink: writing scores to alias {Alias} (index {Index})", index.Alias, index.IndexName);
        await consumer.RunAsync(stoppingToken);
    }
}
