using System.Globalization;
using System.Text.RegularExpressions;
using Insights.Fixtures.Browser;
using SkiaSharp;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// One load of the audience explorer page (src/Api/Page) as the browser left it, read through the
/// attributes the page writes for machines: data-member / data-score on audience rows, data-count on histogram
/// bars, data-total on the throughput chart, data-box (on-screen position) on each panel, data-movie on the body.
/// </summary>
public sealed partial class ExplorerPage
{
    private readonly string dom;

    public ExplorerPage(PageCapture capture)
    {
        dom = capture.Dom;
        Screenshot = capture.Screenshot;
        Audience = [.. AudienceRow().Matches(dom).Select(m => new AudienceRow(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];
        HistogramBars = [.. HistogramBar().Matches(dom).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
    }

    public byte[] Screenshot { get; }

    /// <summary>The top-audience table, in page order.</summary>
    public IReadOnlyList<AudienceRow> Audience { get; }

    /// <summary>Member count per histogram bar, lowest score bin first.</summary>
    public IReadOnlyList<int> HistogramBars { get; }

    /// <summary>The member count the histogram's caption states (`N members`).</summary>
    public int? HistogramMembers => HistogramSize().Match(dom) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>The movie the page shows (set once a refresh has drawn it).</summary>
    public int? Movie => Attribute("body", "data-movie") is { } movie ? int.Parse(movie, CultureInfo.InvariantCulture) : null;

    /// <summary>Score updates the API has taken in, as the throughput chart states.</summary>
    public long? UpdatesTotal => ElementAttribute("throughput", "data-total") is { } total ? long.Parse(total, CultureInfo.InvariantCulture) : null;

    public int ThroughputBars => RateBar().Count(dom);

    public int LatencyPoints => LatencyPoint().Count(dom);

    public string Status => StatusText().Match(dom).Groups[1].Value;

    public bool StatusIsError => StatusTag().Match(dom).Value.Contains("class=\"error\"", StringComparison.Ordinal);

    /// <summary>Where the element with this id sat in the screenshot (the page records it after each refresh).</summary>
    public SKRectI Box(string id)
    {
        var box = ElementAttribute(id, "data-box") ?? throw new InvalidOperationException($"the page's #{id} has no data-box: was it ever refreshed?");
        var parts = box.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return SKRectI.Create(parts[0], parts[1], parts[2], parts[3]);
    }

    /// <summary>The audience as one line, for test output and failure messages.</summary>
    public string AudienceText => Audience.Count == 0 ? "(no rows)" : string.Join(' ', Audience.Select(r => $"{r.Member}:{r.Score.ToString("F6", CultureInfo.InvariantCulture)}"));

    private string? ElementAttribute(string id, string attribute) =>
        Regex.Match(dom, $"<[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>") is { Success: true } tag ? AttributeOf(tag.Value, attribute) : null;

    private string? Attribute(string element, string attribute) =>
        Regex.Match(dom, $"<{element}\\b[^>]*>") is { Success: true } tag ? AttributeOf(tag.Value, attribute) : null;

    private static string? AttributeOf(string tag, string attribute) =>
        Regex.Match(tag, $"\\b{Regex.Escape(attribute)}=\"([^\"]*)\"") is { Success: true } value ? value.Groups[1].Value : null;

    [GeneratedRegex("<tr data-member=\"(\\d+)\" data-score=\"([0-9.]+)\"")]
    private static partial Regex AudienceRow();

    [GeneratedRegex("<rect class=\"bar\"[^>]*data-count=\"(\\d+)\"")]
    private static partial Regex HistogramBar();

    [GeneratedRegex("id=\"histogram-size\">(\\d+) members<")]
    private static partial Regex HistogramSize();

    [GeneratedRegex("<rect class=\"rate\"")]
    private static partial Regex RateBar();

    [GeneratedRegex("<circle class=\"point ")]
    private static partial Regex LatencyPoint();

    [GeneratedRegex("<span id=\"status\"[^>]*>")]
    private static partial Regex StatusTag();

    [GeneratedRegex("<span id=\"status\"[^>]*>([^<]*)<")]
    private static partial Regex StatusText();
}

/// <summary>One row of the page's top-audience table.</summary>
public sealed record AudienceRow(long Member, double Score);
