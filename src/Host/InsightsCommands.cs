using System.CommandLine;
using Insights.Host.Commands;

namespace Insights.Host;

/// <summary>Every `insights` command, in the order data flows: capture, model, processors, sinks, demo.</summary>
public static class InsightsCommands
{
    public static RootCommand Root()
    {
        var root = new RootCommand("Insights: streaming propensity scores from a cinema chain's MariaDB.");
        root.Subcommands.Add(StackCommand.Create());
        root.Subcommands.Add(TopicsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SeedCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(SinkCommand.Create());
        root.Subcommands.Add(SnapshotCommand.Create());
        root.Subcommands.Add(ApiCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        return root;
    }
}
