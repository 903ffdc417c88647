using Insights.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Hosting;

/// <summary>How `insights sink` wires the sinks into its host: settings from the Kafka, Elasticsearch, S3, Snapshots and Sink sections.</summary>
public static class ScoreSinksHosting
{
    /// <summary>
    /// Registers the sinks the settings ask for (<see cref="SinkServices"/>); a wrong setting, or settings that ask for
    /// nothing, fail here naming the keys. Returns the settings, which the host's health and lag reporting also need.
    /// </summary>
    public static SinkSettings AddScoreSinks(this IHostApplicationBuilder builder)
    {
        var settings = SinkSettings.Load(builder.Configuration);
        if (SinkServices.NothingToDo(settings.Elasticsearch, settings.Snapshots) is { } idle) throw new CommandLineError($"configuration: {idle}");
        var store = settings.Snapshots.CreateStore(settings.S3);
        builder.Services.AddScoreSinks(settings.Kafka, settings.Elasticsearch, settings.Snapshots, store, settings.Errors);
        if (SinkServices.SnapshotsOnlyLine(settings.Elasticsearch, settings.Snapshots, store) is { } line)
            builder.Services.AddHostedService(sp => new StartLine(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Insights.Sink"), line));
        return settings;
    }

    /// <summary>Says at start what the sink does when no service of its own says it.</summary>
    private sealed class StartLine(ILogger logger, string line) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("{Line}", line);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
