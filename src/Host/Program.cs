using System.CommandLine.Invocation;
using Insights.Host;

var parse = InsightsCommands.Root().Parse(args);
if (parse.Action is ParseErrorAction)
{
    // One line naming the wrong option or argument; the full help is one --help away.
    Console.Error.WriteLine($"insights: {UserFacingError.Describe(parse)}");
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
    Console.Error.WriteLine($"insights: {line}");
    return 1;
}
