using System.CommandLine;

namespace Insights.DevTool.Commands;

/// <summary>`insights stack up|down|status`: the local servers (MariaDB, broker, s3rver) via stack/*.sh.</summary>
public static class StackCommand
{
    public static Command Create()
    {
        var command = new Command("stack", "Bring the local stack (MariaDB, Kafka mock broker, s3rver) up or down.");
        foreach (var verb in new[] { "up", "down", "status" })
        {
            var sub = new Command(verb, $"Run stack/{verb}.");
            sub.SetAction(async (parse, ct) => await StackScript.RunAsync(verb, ct));
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
