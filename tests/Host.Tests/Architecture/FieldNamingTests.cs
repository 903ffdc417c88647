using System.Text.RegularExpressions;
using Insights.TestSupport;

namespace Insights.Host.Tests.Architecture;

/// <summary>One naming style for fields, as .editorconfig states it: private fields camelCase without a prefix.</summary>
public sealed partial class FieldNamingTests
{
    [Fact]
    public void No_private_field_is_named_with_a_leading_underscore()
    {
        var offenders = new[] { "src", "tests", "bench", "stack" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, top), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => UnderscoreField().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    // A private field declaration whose name starts with '_' (a discard `_ = ...` has no modifier before it).
    [GeneratedRegex(@"^\s*private\s+(static\s+|readonly\s+|volatile\s+)*[\w<>\[\],.?() ]+?\s_[a-z]\w*\s*(=|;)")]
    private static partial Regex UnderscoreField();
}
