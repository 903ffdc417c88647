using System.CommandLine;
using System.CommandLine.Invocation;

namespace Insights.Host;

/// <summary>How the production program and the developer tool run a command line: parse errors and failures the user can fix are one line.</summary>
public static class CommandLineProgram
{
    public static async Task<int> RunAsync(string name, RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // One line naming the wrong option or argument; the full help is one --help away.
            Console.Error.WriteLine($"{name}: {UserFacingError.Describe(parse)}");
            return 2;
        }
        try
        {
            var code = await parse.InvokeAsync(new() { EnableDefaultExceptionHandler = false });
            // A role that failed inside its host sets Environment.ExitCode; its action still returns 0.
            return code != 0 ? code : Environment.ExitCode;
        }
        catch (Exception e) when (UserFacingError.Describe(e) is { } line)
        {
            Console.Error.WriteLine($"{name}: {line}");
            return 1;
        }
    }
}
