namespace Insights.DevTool.Demo.Live;

/// <summary>
/// How the demo starts the production program's roles: `insights.dll` built beside this tool (src/DevProgram references src/Program),
/// run by the same `dotnet` that runs the tool, or its apphost when the tool runs as its own apphost.
/// </summary>
public sealed record InsightsProgram(string FileName, IReadOnlyList<string> LeadingArguments)
{
    public static InsightsProgram BesideThisTool()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of the running program is unknown");
        var dll = Path.Combine(AppContext.BaseDirectory, "insights.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"the production program is not built beside the developer tool: {dll} is missing");
        var underDotnet = Path.GetFileNameWithoutExtension(process) == "dotnet";
        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "insights.exe" : "insights");
        if (!underDotnet && File.Exists(apphost)) return new InsightsProgram(apphost, []);
        return new InsightsProgram(underDotnet ? process : "dotnet", [dll]);
    }

    public IReadOnlyList<string> CommandLine(IEnumerable<string> arguments) => [FileName, .. LeadingArguments, .. arguments];
}
