namespace Insights.Fixtures.Browser;

/// <summary>One page load as headless Chromium left it: the serialised DOM and a PNG screenshot of that same moment.</summary>
public sealed record PageCapture(string Dom, byte[] Screenshot);
