using Insights.Contracts;
using Insights.Contracts.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Observability;

/// <summary>How each long-running role gets its /healthz, /readyz and /metrics.</summary>
public static class RoleObservability
{
    /// <summary>
    /// For a Generic Host role (worker, sink): registers <paramref name="readiness"/> for the role's services to
    /// update and, when Observability:Urls is set, the observability server as a hosted service.
    /// </summary>
    public static RoleReadiness AddInsightsObservability(this HostApplicationBuilder builder, string role, RoleReadiness readiness,
        KafkaSettings? kafka = null, params ConsumerGroupWatch[] groups)
    {
        builder.Services.AddSingleton(readiness);
        if (ObservabilityServer.Create(builder.Configuration, role, readiness, kafka, groups) is { } server)
            builder.Services.AddHostedService(sp => new ServerService(server, sp.GetRequiredService<ILoggerFactory>().CreateLogger($"insights.{role}")));
        return readiness;
    }

    /// <summary>
    /// For the api: the same three paths in its own app, ready when its audience source answers. They go on
    /// Observability:Urls when it is set (the settings returned say), else beside the API's routes.
    /// </summary>
    public static ObservabilitySettings AddInsightsObservability(this WebApplicationBuilder builder, Func<IServiceProvider, CancellationToken, Task<string?>> sourceAnswers)
    {
        var settings = new ObservabilitySettings();
        builder.Configuration.GetSection(ObservabilitySettings.Section).Bind(settings);
        if (settings.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
        builder.Services.AddSingleton(sp => RoleReadiness.FromProbes().Probe(ct => sourceAnswers(sp, ct)));
        builder.Services.AddObservability("api", "Microsoft.AspNetCore.Hosting");
        return settings;
    }

    /// <summary>Runs the observability server for as long as the role's host runs.</summary>
    private sealed class ServerService(ObservabilityServer server, ILogger logger) : IHostedService, IAsyncDisposable
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await server.StartAsync(cancellationToken);
            logger.LogInformation("observability: /healthz, /readyz, /metrics at {Urls}", string.Join(", ", server.Urls));
        }

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
