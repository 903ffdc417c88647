using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Insights.Host.Configuration;

/// <summary>
/// docs/settings.md, written from the settings records themselves: every section and key with its default (a new
/// record's value) and its meaning (the property's doc comment), so the reference cannot drift from the code.
/// `insights config defaults` prints it; a test compares it with the checked-in file.
/// </summary>
public static partial class SettingsReference
{
    public static string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# Settings");
        text.AppendLine();
        text.AppendLine("Every setting of the roles, its default and what it means. Written by `./insights config defaults > docs/settings.md`");
        text.AppendLine("from the settings records and their doc comments (a test fails when this file and the code differ). Set a key in");
        text.AppendLine("`appsettings.json` beside the program, in a file named by `INSIGHTS_CONFIG`, or as an environment variable with `__`");
        text.AppendLine("for `:` (`Processors__ModelPath`). `./insights config check` reports every problem of a configuration and every key");
        text.AppendLine("no setting reads.");
        foreach (var (section, type) in ConfigurationCheck.Sections.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.AppendLine();
            text.AppendLine($"## {section}");
            text.AppendLine();
            if (Summary(type) is { Length: > 0 } about) text.AppendLine(about).AppendLine();
            text.AppendLine("| key | default | meaning |");
            text.AppendLine("|---|---|---|");
            Rows(text, section, type, Activator.CreateInstance(type));
        }
        return text.ToString();
    }

    private static void Rows(StringBuilder text, string prefix, Type type, object? defaults)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var key = $"{prefix}:{property.Name}";
            var value = defaults is null ? null : property.GetValue(defaults);
            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // A map of named entries (API clients): one row per field of an entry.
                text.AppendLine($"| `{key}:<name>` | none | {Summary(property)} |");
                Rows(text, $"{key}:<name>", propertyType.GetGenericArguments()[1], null);
            }
            else if (IsRecord(propertyType))
                Rows(text, key, propertyType, value);
            else
                text.AppendLine($"| `{key}` | {Default(value)} | {Summary(property)} |");
        }
    }

    private static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type)
        && type.Namespace?.StartsWith("Insights", StringComparison.Ordinal) == true;

    private static string Default(object? value) => value switch
    {
        null => "none",
        string { Length: 0 } => "empty",
        // The temp folder differs between machines.
        string s when s.StartsWith(Path.GetTempPath(), StringComparison.Ordinal) => $"`<temp>/{s[Path.GetTempPath().Length..]}`",
        string s => $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IEnumerable e => $"`{string.Join(", ", e.Cast<object>())}`",
        _ => $"`{value}`",
    };

    private static string Summary(MemberInfo member)
    {
        var id = member is Type t ? $"T:{t.FullName}" : $"P:{member.DeclaringType!.FullName}.{member.Name}";
        var docs = Documentation(member is Type type ? type.Assembly : member.DeclaringType!.Assembly);
        var summary = docs?.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == id)?.Element("summary");
        if (summary is null) return "";
        foreach (var reference in summary.Descendants().Where(e => e.Name == "see" || e.Name == "paramref").ToList())
            reference.ReplaceWith(Name((string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? ""));
        return Whitespace().Replace(summary.Value, " ").Trim().Replace("|", "\\|");
    }

    // `P:Insights.Api.ApiSettings.Source` -> Source; `M:...KafkaSettings.ApplyTo``1(``0)` -> ApplyTo.
    private static string Name(string cref)
    {
        var member = cref.Split('(')[0];
        member = member[(member.LastIndexOf('.') + 1)..];
        return member.Split('`')[0];
    }

    private static readonly Dictionary<Assembly, XDocument?> Loaded = [];

    private static XDocument? Documentation(Assembly assembly)
    {
        if (Loaded.TryGetValue(assembly, out var loaded)) return loaded;
        var file = Path.ChangeExtension(assembly.Location, ".xml");
        return Loaded[assembly] = File.Exists(file) ? XDocument.Load(file) : null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
