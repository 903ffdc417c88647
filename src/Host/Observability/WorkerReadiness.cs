using Insights.Contracts.Cinema;
using Insights.Processors.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Host.Observability;

/// <summary>What the worker's /readyz and lag gauge report: its stream's state (before any probe), and its consumer group's lag.</summary>
public static class WorkerReadiness
{
    /// <summary>The worker's consumer group (its application id) reads the four CDC topics (and its repartition topic, found by its commits).</summary>
    public static ConsumerGroupWatch Lag(WorkerSettings settings) =>
        new(settings.ApplicationId, [.. CinemaTables.All.Select(t => CinemaTables.Topic(t, settings.TopicPrefix))]);

    /// <summary>Not ready until the stream has started.</summary>
    public static RoleReadiness Starting() => new("starting: the stream is not started yet");

    /// <summary>Follows the worker's service once the host is built (the service is one of its services).</summary>
    public static void Watch(RoleReadiness readiness, IServiceProvider services) =>
        services.GetRequiredService<ScoringWorkerService>().ReadinessChecked += reason =>
        {
            if (reason is null) readiness.Ready(); else readiness.NotReady(reason);
        };
}
