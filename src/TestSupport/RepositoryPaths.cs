namespace Insights.TestSupport;

/// <summary>Where the checkout and the shared data folder are, seen from a running test.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared, read-only data folder beside the checkout (licensed data is read in place).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string Stack => Path.Combine(Root, "stack");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Insights.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Insights.sln above {AppContext.BaseDirectory}");
    }
}
