using Insights.Host;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// Where a demo run keeps its files: under the stack folder (INSIGHTS_STACK_DIR, default .stack), so a test
/// with its own stack folder gets its own demo too. Logs survive the run; state is wiped at each start.
/// </summary>
public sealed record DemoLayout(string Repository, string StackDir)
{
    public static DemoLayout Current()
    {
        var root = RepositoryRoot.Find();
        return new DemoLayout(root, Environment.GetEnvironmentVariable("INSIGHTS_STACK_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(root, ".stack"));
    }

    public string Folder => Path.Combine(StackDir, "demo");

    /// <summary>One log file per child process and one for the stack scripts.</summary>
    public string Logs => Path.Combine(Folder, "logs");

    /// <summary>Capture checkpoint and the workers' state stores: they describe one Kafka broker's contents, so they go with it.</summary>
    public string State => Path.Combine(Folder, "state");

    /// <summary>Process ids of the running children, so a run that was killed outright can be cleaned up by the next.</summary>
    public string ChildrenFile => Path.Combine(Folder, "children.pids");
}
