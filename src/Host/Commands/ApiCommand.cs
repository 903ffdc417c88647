using System.CommandLine;
using Insights.Host.Configuration;
using Insights.Sinks.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Commands;

/// <summary>`insights api`: the audience query service over Elasticsearch, with its OpenAPI document at /openapi/v1.json.</summary>
public static class ApiCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen.",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var command = new Command("api", "Serve GET /movies/{id}/audience and GET /members/{id}/propensities from Elasticsearch.") { urls };
        command.SetAction(async (parse, ct) =>
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "insights-api", ContentRootPath = RepositoryRoot.Find() });
            ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
            builder.Configuration.AddInsightsSources();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
            var settings = SinkSettings.Load(builder.Configuration, needKafka: false);
            builder.Services.AddAudienceApi(settings.Elasticsearch);
            var app = builder.Build();
            app.MapAudienceApi();
            // The host's console lifetime stops it on Ctrl+C / SIGTERM.
            await app.RunAsync(parse.GetValue(urls));
            return 0;
        });
        return command;
    }
}
