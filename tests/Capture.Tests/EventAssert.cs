using System.Text.Json;
using System.Text.RegularExpressions;

namespace Insights.Capture.Tests;

/// <summary>
/// Compares an event with a hand-written expected Debezium event field by field. Fields that depend on the
/// run (binlog file and position, GTID, clocks) are written in the expectation as patterns: "~regex".
/// </summary>
public static class EventAssert
{
    public static void Matches(string expectedJson, byte[]? actual)
    {
        Assert.NotNull(actual);
        using var expected = JsonDocument.Parse(expectedJson);
        using var document = JsonDocument.Parse(actual);
        Compare(expected.RootElement, document.RootElement, "$");
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind == JsonValueKind.String && expected.GetString()!.StartsWith('~'))
        {
            var pattern = "^(?:" + expected.GetString()![1..] + ")$";
            var text = actual.ValueKind == JsonValueKind.String ? actual.GetString()! : actual.GetRawText();
            Assert.True(Regex.IsMatch(text, pattern), $"{path}: '{text}' does not match {pattern}");
            return;
        }
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: expected {expected.ValueKind} {expected.GetRawText()}, got {actual.ValueKind} {actual.GetRawText()}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                Assert.True(expectedNames.SequenceEqual(actualNames), $"{path}: fields [{string.Join(",", actualNames)}], expected [{string.Join(",", expectedNames)}]");
                foreach (var property in expected.EnumerateObject()) Compare(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < expected.GetArrayLength(); i++) Compare(expected[i], actual[i], $"{path}[{i}]");
                break;
            case JsonValueKind.String:
                // Compared unescaped: "é" and "\u00E9" are the same JSON string.
                Assert.True(expected.GetString() == actual.GetString(), $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
        }
    }
}
