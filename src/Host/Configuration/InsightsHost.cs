using Insights.Host.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Host.Configuration;

/// <summary>The Generic Host every long-running role (capture, worker, sink) starts from.</summary>
public static class InsightsHost
{
    public static HostApplicationBuilder CreateBuilder(string role)
    {
        // The defaults bring the console lifetime (SIGTERM/Ctrl+C -> graceful stop); their configuration
        // sources are replaced by ours so every role reads settings the same way.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = $"insights-{role}",
            ContentRootPath = RepositoryRoot.Find(),
        });
        ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
        builder.Configuration.AddInsightsSources();
        // Logging:Format=json gives one JSON object per entry (Observability/ConsoleLogFormat).
        builder.Logging.AddInsightsConsole(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}
