using Insights.Fixtures;
using Insights.Host.Configuration;
using Insights.TestSupport;

namespace Insights.Host.Tests.Configuration;

/// <summary>docs/settings.md is what the settings records say: every key, its default and its meaning.</summary>
public sealed class SettingsReferenceTests
{
    private static readonly string Reference = SettingsReference.Markdown();

    [Fact]
    public void The_checked_in_reference_equals_the_one_written_from_the_settings_records()
    {
        var checkedIn = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "settings.md"));

        Assert.True(checkedIn == Reference, "docs/settings.md differs from the settings records: run `./insights config defaults > docs/settings.md`");
    }

    [Fact]
    public void Every_setting_has_a_default_and_a_meaning()
    {
        var rows = Reference.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();

        Assert.True(rows.Count > 60, $"only {rows.Count} settings listed");
        Assert.All(rows, row =>
        {
            var cells = row.Split(" | ");
            Assert.True(cells.Length == 3 && cells[1].Length > 0 && cells[2].TrimEnd('|', ' ').Length > 0, $"a setting without a default or meaning: {row}");
        });
        Assert.Contains("| `Processors:ModelPath` | empty | The model file the workers score with", Reference);
        Assert.Contains("| `Api:RateLimit:RequestsPerMinute` | `300` |", Reference);
    }
}
