using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Sinks.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Api.Hosting;

/// <summary>How `insights api` wires the audience API into its web host: settings from the Api, Elasticsearch and Kafka sections.</summary>
public static class AudienceApiHosting
{
    /// <summary>
    /// Registers the API over the source Api:Source names (<see cref="AudienceApi.AddAudienceApi(IServiceCollection, ApiSettings, Sinks.Elasticsearch.ElasticsearchSettings, KafkaSettings?, ModelCard?)"/>);
    /// a wrong setting fails here naming its key. <paramref name="model"/> describes the model the workers score with.
    /// </summary>
    public static IHostApplicationBuilder AddAudienceApi(this IHostApplicationBuilder builder, ModelCard? model)
    {
        // The page polls every 2 s: per-request lines would drown the service's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var api = builder.Configuration.Bind<ApiSettings>(ApiSettings.Section);
        if (api.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
        var settings = SinkSettings.Load(builder.Configuration, needKafka: api.FromTopic);
        // Without Kafka the Elasticsearch source still answers; the page's movie list and stats then say they need it.
        var kafka = string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers) ? null : builder.Configuration.KafkaSettings();
        builder.Services.AddAudienceApi(api, settings.Elasticsearch, kafka, model);
        return builder;
    }
}
