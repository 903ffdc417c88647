using Elastic.Clients.Elasticsearch;
using Insights.Contracts.Topics;
using Insights.Sinks.Elasticsearch;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Host.Observability;

/// <summary>
/// What the sink's /readyz asks: Elasticsearch answers a ping (when the Elasticsearch sink is on) and Kafka answers
/// the lag poll of the sink's consumer group (added by the observability server). Snapshot-only sinks have no
/// consumer group and no Elasticsearch: they are ready once started.
/// </summary>
public static class SinkReadiness
{
    public static ConsumerGroupWatch[] Groups(ElasticsearchSettings elasticsearch) =>
        elasticsearch.Enabled ? [new ConsumerGroupWatch(elasticsearch.ConsumerGroup, [TopicNames.Scores])] : [];

    /// <summary>Adds the Elasticsearch probe once the host is built (the client is one of its services).</summary>
    public static void Watch(RoleReadiness readiness, IServiceProvider services, ElasticsearchSettings elasticsearch)
    {
        if (!elasticsearch.Enabled) return;
        var client = services.GetRequiredService<ElasticsearchClient>();
        readiness.Probe(async ct =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                var ping = await client.PingAsync(timeout.Token);
                return ping.IsValidResponse ? null : $"Elasticsearch does not answer (HTTP {ping.ApiCallDetails.HttpStatusCode?.ToString() ?? "none"})";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return "Elasticsearch did not answer within 3 s"; }
        });
    }
}
