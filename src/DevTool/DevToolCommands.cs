using System.CommandLine;
using Insights.DevTool.Commands;

namespace Insights.DevTool;

/// <summary>
/// The developer tool's commands: the local stack, the model, the demo's data and the benches. `./insights` runs them
/// by the same verbs as the production program's (src/Host), which is built beside this tool and which the demo and
/// the benches start as child processes.
/// </summary>
public static class DevToolCommands
{
    /// <summary>The verbs this tool answers; the launcher sends every other verb to the production program.</summary>
    public static readonly IReadOnlyList<string> Verbs = ["stack", "train", "evaluate", "bench", "seed", "replay", "demo"];

    public static RootCommand Root()
    {
        var root = new RootCommand("Insights developer tool: the local stack, training and evaluating the model, seeding and replaying the demo's data, benches.")
        {
            // Help names the command as users type it: ./insights bench ..., not insights-dev.
            HelpName = "insights",
        };
        root.Subcommands.Add(StackCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SeedCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
