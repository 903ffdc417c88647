namespace Insights.DevTool.Demo.Live;

/// <summary>One pipeline role the demo runs as a child process: `insights &lt;Arguments&gt;` with its own environment.</summary>
public sealed record RoleSpec(string Name, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string? ObservabilityUrl);
