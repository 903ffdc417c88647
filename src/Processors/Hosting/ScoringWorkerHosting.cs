using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Propensity.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Processors.Hosting;

/// <summary>How `insights worker` wires one processors instance into its host: settings from the Processors and Kafka sections.</summary>
public static class ScoringWorkerHosting
{
    /// <summary>
    /// Registers the <see cref="ScoringWorkerService"/> with its settings and model; a wrong setting or an unreadable
    /// model fails here, naming its key. Returns the settings, which the host's health and lag reporting also need.
    /// </summary>
    public static (WorkerSettings Settings, KafkaSettings Kafka) AddScoringWorker(this IHostApplicationBuilder builder)
    {
        var kafka = builder.Configuration.KafkaSettings();
        var settings = builder.Configuration.Bind<WorkerSettings>(WorkerSettings.Section);
        if (settings.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
        var model = ConfiguredModel(settings);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(model);
        builder.Services.AddSingleton(kafka);
        builder.Services.AddSingleton<ScoringWorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScoringWorkerService>());
        return (settings, kafka);
    }

    /// <summary>The model Processors:ModelPath names; a missing or unreadable file fails start-up naming the key.</summary>
    public static PropensityModel ConfiguredModel(WorkerSettings settings)
    {
        try { return ScoringStream.LoadModel(settings.ModelPath); }
        catch (FormatException e) { throw new CommandLineError($"configuration: {WorkerSettings.Section}:ModelPath: {e.Message}"); }
    }
}
