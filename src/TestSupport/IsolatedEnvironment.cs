using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>
/// The environment of an `insights` (or `insights-dev`) child process started by a test or a bench: nothing the
/// developer's shell carries reaches it (settings as Section__Key, INSIGHTS_* paths, AWS_* credentials), and its stack
/// folder is an empty one, so the local stack's endpoint files do not configure it either. Only the settings the caller
/// passes afterwards do.
/// </summary>
public static class IsolatedEnvironment
{
    public static ProcessStartInfo Apply(ProcessStartInfo info)
    {
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_") || k.StartsWith("AWS_")).ToList())
            info.Environment.Remove(key);
        info.Environment["INSIGHTS_STACK_DIR"] = EmptyStackDir.Value;
        return info;
    }

    private static readonly Lazy<string> EmptyStackDir = new(() => Directory.CreateTempSubdirectory("insights-no-stack-").FullName);
}
