using Insights.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;

namespace Insights.Host.Configuration;

/// <summary>
/// Where every command reads its settings from, later sources winning: appsettings.json beside the
/// repository, the endpoint files the local stack writes (.stack/*.json), an optional file named by
/// INSIGHTS_CONFIG, then environment variables (Section__Key, as in docker-compose and Kubernetes).
/// </summary>
public static class InsightsConfiguration
{
    public static IConfigurationBuilder AddInsightsSources(this IConfigurationBuilder builder)
    {
        var home = RepositoryRoot.Find();
        builder.AddJsonFile(new PhysicalFileProvider(home), "appsettings.json", optional: true, reloadOnChange: false);
        var stackDir = Environment.GetEnvironmentVariable("INSIGHTS_STACK_DIR") ?? Path.Combine(home, ".stack");
        if (Directory.Exists(stackDir))
            foreach (var endpoint in Directory.GetFiles(stackDir, "*.json").Order(StringComparer.Ordinal))
                builder.AddJsonFile(endpoint, optional: true, reloadOnChange: false);
        if (Environment.GetEnvironmentVariable("INSIGHTS_CONFIG") is { Length: > 0 } file)
        {
            if (!File.Exists(file)) throw new CommandLineError($"INSIGHTS_CONFIG names {file}, which does not exist");
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        return builder.AddEnvironmentVariables();
    }
}
