using System.Reflection;

namespace Insights.Host.Demo.Live;

/// <summary>How to start this same `insights` program again: the apphost itself, or `dotnet insights.dll` under the launcher.</summary>
public sealed record InsightsProgram(string FileName, IReadOnlyList<string> LeadingArguments)
{
    public static InsightsProgram Current()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of the running program is unknown");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is { Length: > 0 }
            ? new InsightsProgram(process, [entry])
            : new InsightsProgram(process, []);
    }

    public IReadOnlyList<string> CommandLine(IEnumerable<string> arguments) => [FileName, .. LeadingArguments, .. arguments];
}
