namespace Insights.Host;

/// <summary>Finds the checkout the program runs from (the folder holding Insights.sln).</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        var env = Environment.GetEnvironmentVariable("INSIGHTS_HOME");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Insights.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
