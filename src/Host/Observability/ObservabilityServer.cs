using Insights.Contracts;
using Insights.Contracts.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Observability;

/// <summary>
/// The small Kestrel endpoint of a role without an HTTP API of its own (capture, worker, sink): /healthz, /readyz
/// and /metrics at Observability:Urls, plus the consumer-lag poller of the role's consumer groups. It runs beside
/// the role (its own service provider, so the role's host stays a plain Generic Host) and stops with it.
/// </summary>
public sealed class ObservabilityServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ObservabilityServer(WebApplication app, ConsumerLagPoller? lag) => (this.app, Lag) = (app, lag);

    /// <summary>The consumer-lag poller, when the role watches consumer groups.</summary>
    public ConsumerLagPoller? Lag { get; }

    /// <summary>Where it listens (resolved ports when the settings asked for port 0).</summary>
    public IReadOnlyCollection<string> Urls => [.. app.Urls];

    /// <summary>Builds the server; null when Observability:Urls is empty (no endpoint wanted).</summary>
    public static ObservabilityServer? Create(IConfiguration configuration, string role, RoleReadiness readiness,
        KafkaSettings? kafka = null, params ConsumerGroupWatch[] groups)
    {
        var settings = new ObservabilitySettings();
        configuration.GetSection(ObservabilitySettings.Section).Bind(settings);
        if (settings.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
        if (settings.UrlList.Length == 0) return null;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = $"insights-{role}-observability" });
        builder.Logging.AddInsightsConsole(configuration);
        // The role logs its own lifecycle; per-scrape request lines would drown it.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // The role's host owns Ctrl+C / SIGTERM; this server stops when the role does.
        builder.Services.AddSingleton<IHostLifetime, RoleOwnedLifetime>();
        builder.Services.AddSingleton(readiness);
        builder.Services.AddObservability(role);
        if (kafka is not null && groups.Length > 0)
        {
            builder.Services.AddSingleton(sp => new ConsumerLagPoller(kafka, groups, TimeSpan.FromSeconds(settings.LagPollSeconds),
                sp.GetRequiredService<ILogger<ConsumerLagPoller>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsumerLagPoller>());
        }
        builder.WebHost.UseUrls(settings.UrlList);
        var app = builder.Build();
        app.MapObservability();
        // Resolve the poller now so readiness can ask it whether Kafka answers.
        var lag = app.Services.GetService<ConsumerLagPoller>();
        if (lag is not null) readiness.Probe(_ => Task.FromResult(lag.LastError));
        return new ObservabilityServer(app, lag);
    }

    public Task StartAsync(CancellationToken ct) => app.StartAsync(ct);

    public Task StopAsync(CancellationToken ct) => app.StopAsync(ct);

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private sealed class RoleOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
