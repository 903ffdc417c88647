using Insights.Host;

try
{
    return await InsightsCommands.Root().Parse(args).InvokeAsync(new() { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (UserFacingError.Describe(e) is { } line)
{
    Console.Error.WriteLine($"insights: {line}");
    return 1;
}
