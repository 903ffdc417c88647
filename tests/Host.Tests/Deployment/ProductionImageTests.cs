using Insights.TestSupport;

namespace Insights.Host.Tests.Deployment;

/// <summary>
/// What the Docker image ships: the Dockerfile publishes src/Program, and that publish holds the production program with
/// none of the developer tool's parts (demo, benches, evaluation, plots, progress bars, test support).
/// </summary>
public sealed class ProductionImageTests
{
    private static readonly string[] DeveloperAssemblies =
        ["insights-dev.dll", "Insights.DevTool.dll", "Insights.Evaluation.dll", "Insights.TestSupport.dll", "Spectre.Console.dll", "SkiaSharp.dll"];

    [Fact]
    public async Task The_published_program_holds_the_roles_and_none_of_the_developer_tool()
    {
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "Dockerfile"), TestContext.Current.CancellationToken);
        Assert.Contains("dotnet publish src/Program/Insights.Program.csproj", dockerfile);
        var output = Directory.CreateTempSubdirectory("insights-publish-").FullName;
        try
        {
            // The tests run on a built tree: publish what the build made, in the tests' own configuration.
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var publish = await CommandResult.RunAsync("dotnet", ["publish", Path.Combine(RepositoryPaths.Root, "src", "Program", "Insights.Program.csproj"),
                "-c", configuration, "--no-build", "-o", output, "--nologo", "-v", "q"], TimeSpan.FromMinutes(3));
            Assert.True(publish.Succeeded, publish.ToString());

            var files = Directory.GetFiles(output).Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.Contains("insights.dll", files);
            Assert.Contains("Insights.Host.dll", files);
            Assert.Contains("Insights.Processors.dll", files);
            var shipped = DeveloperAssemblies.Where(files.Contains).ToList();
            Assert.True(shipped.Count == 0, $"the image would ship {string.Join(", ", shipped)}");
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
