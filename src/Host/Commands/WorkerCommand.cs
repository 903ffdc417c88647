using System.CommandLine;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Processors.Hosting;

namespace Insights.Host.Commands;

/// <summary>
/// `insights worker`: one processors instance (Streamiz application) under the Generic Host. Run more of them
/// with the same Processors:ApplicationId to scale out; SIGTERM stops it gracefully (finish, commit, close).
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Run the streaming processors: CDC topics in, propensity scores out (settings: section Processors, Kafka).");
        command.SetAction(async (_, ct) =>
        {
            var builder = InsightsHost.CreateBuilder("worker");
            var (settings, kafka) = builder.AddScoringWorker();
            var readiness = builder.AddInsightsObservability("worker", WorkerReadiness.Starting(), kafka, WorkerReadiness.Lag(settings));
            using var host = builder.Build();
            WorkerReadiness.Watch(readiness, host.Services);
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }
}
