using System.Text.RegularExpressions;
using System.Xml.Linq;
using Insights.TestSupport;

namespace Insights.Host.Tests.Architecture;

/// <summary>docs/architecture.md's table of what each project may reference is the rule; these facts hold every project file to it.</summary>
public sealed partial class ProjectReferenceTests
{
    private static readonly string Root = RepositoryPaths.Root;

    [Fact]
    public void Every_project_reference_is_one_the_architecture_allows()
    {
        var allowed = AllowedReferences();
        var problems = new List<string>();
        foreach (var (project, references) in ProjectFiles())
        {
            if (!allowed.TryGetValue(project, out var may)) { problems.Add($"{project} is not in docs/architecture.md's table"); continue; }
            problems.AddRange(references.Where(r => !may.Contains(r)).Select(r => $"{project} references {r}, which the table does not allow"));
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void The_table_names_only_projects_that_exist()
    {
        var projects = ProjectFiles().Keys.ToHashSet();
        var stale = AllowedReferences().Keys.Except(projects).ToList();
        Assert.Empty(stale);
    }

    [Fact]
    public void No_library_or_test_project_references_an_executable_project()
    {
        // An executable holds only its entry point; code others need lives in a library. Tests that run a program as a
        // child process name it as RunsProgram (tests/Directory.Build.targets), which builds it without referencing it.
        var executables = ProjectFiles().Keys.Where(IsExecutable).ToHashSet();
        Assert.Contains("src/Program", executables);
        var offending = ProjectFiles().Where(p => !executables.Contains(p.Key) || p.Key.StartsWith("tests/"))
            .SelectMany(p => p.Value.Where(executables.Contains).Select(r => $"{p.Key} -> {r}"));
        Assert.Empty(offending);
    }

    [Fact]
    public void No_source_project_depends_on_tests_and_the_program_builds_from_src_alone()
    {
        // The Dockerfile copies src/ only: anything the program reaches outside it would fail the image build.
        var projects = ProjectFiles();
        Assert.Empty(projects.Where(p => p.Key.StartsWith("src/")).SelectMany(p => p.Value.Where(r => r.StartsWith("tests/")).Select(r => $"{p.Key} -> {r}")));
        var reached = new HashSet<string>();
        var pending = new Stack<string>(["src/Program"]);
        while (pending.TryPop(out var next))
            if (reached.Add(next)) foreach (var r in projects[next]) pending.Push(r);
        Assert.All(reached, p => Assert.StartsWith("src/", p));
        // What ships is the program, not the developer's tools: no demo, bench, evaluation or test support in the image.
        Assert.Empty(reached.Intersect(["src/DevTool", "src/Evaluation", "src/TestSupport"]));
    }

    /// <summary>Project folder (relative to the checkout, '/' separated) -> the folders of the projects it references.</summary>
    private static Dictionary<string, List<string>> ProjectFiles() =>
        new[] { "src", "tests", "bench", "stack" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(Root, top), "*.csproj", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToDictionary(f => Relative(Path.GetDirectoryName(f)!), f => XDocument.Load(f).Descendants("ProjectReference")
                .Select(r => Relative(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(f)!, (string)r.Attribute("Include")!)))!))
                .ToList());

    /// <summary>The project file says it builds an executable (test projects are made executables by tests/Directory.Build.props).</summary>
    private static bool IsExecutable(string project) =>
        Directory.GetFiles(Path.Combine(Root, project), "*.csproj").Any(f => XDocument.Load(f).Descendants("OutputType").Any(o => o.Value.Trim() == "Exe"));

    private static Dictionary<string, HashSet<string>> AllowedReferences()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
        var section = doc[doc.IndexOf("## What each project may reference", StringComparison.Ordinal)..];
        var rows = TableRow().Matches(section).Where(m => m.Groups[1].Value.Trim() is not ("project" or "---")).ToList();
        Assert.NotEmpty(rows);
        return rows.ToDictionary(m => m.Groups[1].Value.Trim(),
            m => m.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet());
    }

    private static string Relative(string folder) => Path.GetRelativePath(Root, folder).Replace(Path.DirectorySeparatorChar, '/');

    [GeneratedRegex(@"^\| ([^|]+?) \|([^|\n]*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
