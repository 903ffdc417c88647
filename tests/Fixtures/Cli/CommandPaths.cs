using System.CommandLine;

namespace Insights.Fixtures.Cli;

/// <summary>Every command path under a root command ("" for the root itself), read from the command tree so a new command is covered by itself.</summary>
public static class CommandPaths
{
    public static TheoryData<string> Of(Command root)
    {
        var paths = new TheoryData<string> { "" };
        void Walk(Command command, string path)
        {
            // Hidden commands are the benches' own child processes, not for people: no help to promise.
            foreach (var sub in command.Subcommands.Where(s => !s.Hidden))
            {
                var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
                paths.Add(subPath);
                Walk(sub, subPath);
            }
        }
        Walk(root, "");
        return paths;
    }

    public static string[] Words(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
