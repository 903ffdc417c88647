using System.CommandLine;
using Insights.Host.Commands;

namespace Insights.Host;

/// <summary>
/// Every command of the production program, in the order data flows: topics, capture, processors, sinks, API. The
/// developer's commands (seed, replay, demo, train, evaluate, bench, stack) are the developer tool's (src/DevTool).
/// </summary>
public static class InsightsCommands
{
    public static RootCommand Root()
    {
        var root = new RootCommand("Insights: streaming propensity scores from a cinema chain's MariaDB.");
        root.Subcommands.Add(TopicsCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(SinkCommand.Create());
        root.Subcommands.Add(SnapshotCommand.Create());
        root.Subcommands.Add(ApiCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        return root;
    }
}
