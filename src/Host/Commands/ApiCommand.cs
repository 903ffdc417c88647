using System.CommandLine;
using Insights.Api;
using Insights.Api.Hosting;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Commands;

/// <summary>
/// `insights api`: the audience query service and its explorer page. Api:Source picks the store: `elasticsearch`
/// (default) or `scores-topic` (an in-memory view of the compacted scores topic, where no Elasticsearch runs).
/// With Kafka configured it also follows the movies CDC topic (the page's picker) and the scores topic (live stats).
/// </summary>
public static class ApiCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen.",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var command = new Command("api", "Serve the audience API (GET /movies/{id}/audience, /members/{id}/propensities, /movies, /stats) and the explorer page at /.")
        {
            urls, ApiKeyCommand.Create(),
        };
        command.SetAction(async (parse, ct) =>
        {
            var builder = InsightsHost.CreateWebBuilder("api");
            builder.AddAudienceApi(ModelCardOf(builder.Configuration));
            var observability = builder.AddInsightsObservability(ApiReadiness.SourceAnswers);
            var apiUrl = parse.GetValue(urls)!;
            var app = builder.Build();
            // The host's console lifetime stops it on Ctrl+C / SIGTERM.
            app.Urls.Add(apiUrl);
            if (observability.UrlList.Length == 0)
            {
                app.MapAudienceApi();
                app.MapObservability();
            }
            else
            {
                // Health and metrics on their own port (Observability:Urls), as every role serves them: probes and
                // scrapers need no API key, and the API's callers cannot reach them.
                foreach (var url in observability.UrlList) app.Urls.Add(url);
                app.MapAudienceApi(HostOf(apiUrl, "--urls"));
                app.MapGroup("").RequireHost([.. observability.UrlList.Select(u => HostOf(u, ObservabilitySettings.Section + ":Urls"))]).MapObservability();
            }
            await app.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The model the workers score with (Processors:ModelPath), for `GET /model` and the page; null when the setting is
    /// empty. A path that names no readable model fails start-up naming the key.
    /// </summary>
    private static ModelCard? ModelCardOf(IConfiguration configuration)
    {
        var settings = configuration.Bind<WorkerSettings>(WorkerSettings.Section);
        if (string.IsNullOrWhiteSpace(settings.ModelPath)) return null;
        var model = ScoringWorkerHosting.ConfiguredModel(settings);
        return new ModelCard(model.ModelVersion, model.Training);
    }

    /// <summary>The `*:port` a route group answers on; a fixed port, since the two ports must be told apart.</summary>
    private static string HostOf(string url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port <= 0)
            throw new CommandLineError($"configuration: {setting} '{url}' needs a fixed port when the api serves health and metrics on Observability:Urls");
        return $"*:{uri.Port}";
    }
}
