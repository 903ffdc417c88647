using Insights.Host.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Host.Configuration;

/// <summary>
/// How every long-running role starts: the Generic Host for the capture, the worker and the sink, a slim web application
/// for the API, each with the same configuration sources, console logging and graceful stop.
/// </summary>
public static class InsightsHost
{
    public static HostApplicationBuilder CreateBuilder(string role) =>
        Configure(Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = $"insights-{role}",
            ContentRootPath = RepositoryRoot.Find(),
        }));

    /// <summary>A role that serves HTTP routes of its own (the API).</summary>
    public static WebApplicationBuilder CreateWebBuilder(string role) =>
        Configure(WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = $"insights-{role}", ContentRootPath = RepositoryRoot.Find() }));

    private static T Configure<T>(T builder) where T : IHostApplicationBuilder
    {
        // The defaults bring the console lifetime (SIGTERM/Ctrl+C -> graceful stop); their configuration
        // sources are replaced by ours so every role reads settings the same way.
        ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
        builder.Configuration.AddInsightsSources();
        // Logging:Format=json gives one JSON object per entry (Observability/ConsoleLogFormat).
        builder.Logging.AddInsightsConsole(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}
