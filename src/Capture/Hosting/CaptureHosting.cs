using Insights.Contracts;
using Insights.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Capture.Hosting;

/// <summary>How `insights capture` wires the binlog capture into its host: settings from the Capture, MariaDb and Kafka sections.</summary>
public static class CaptureHosting
{
    /// <summary>Registers the capture as a hosted service; the first wrong setting fails here, naming its key.</summary>
    public static IHostApplicationBuilder AddCapture(this IHostApplicationBuilder builder, bool forceSnapshot)
    {
        var (capture, kafka) = ReadOptions(builder.Configuration, forceSnapshot);
        builder.Services.AddSingleton(capture);
        builder.Services.AddSingleton(kafka);
        builder.Services.AddHostedService<CaptureService>();
        return builder;
    }

    /// <summary>The capture's options and Kafka settings from configuration; the first wrong setting fails start-up naming its key.</summary>
    public static (CaptureOptions Capture, KafkaSettings Kafka) ReadOptions(IConfiguration config, bool forceSnapshot)
    {
        var mariaDb = config.Bind<MariaDbSettings>(MariaDbSettings.Section);
        var capture = config.Bind<CaptureSettings>(CaptureSettings.Section);
        if (capture.Problems(mariaDb).FirstOrDefault() is { } problem) throw new CommandLineError(problem);
        return (capture.ToOptions(mariaDb, forceSnapshot), config.KafkaSettings());
    }
}
