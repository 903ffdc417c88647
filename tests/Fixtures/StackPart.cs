namespace Insights.Fixtures;

/// <summary>
/// One part of the local stack (stack/parts/*.sh) run in a private folder and port, so tests use exactly the
/// start-up code a developer's `stack/up` uses, isolated from any stack already running.
/// </summary>
public sealed class StackPart(string part, string stackDir, IReadOnlyDictionary<string, string> environment)
{
    public string StackDir { get; } = stackDir;

    public Task UpAsync(CancellationToken ct = default) => RunAsync("up", ct);

    public Task DownAsync(CancellationToken ct = default) => RunAsync("down", ct);

    private async Task RunAsync(string verb, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(environment) { ["INSIGHTS_STACK_DIR"] = StackDir };
        var result = await StackScript.RunAsync($"parts/{part}.sh", [verb], env, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"stack {part} {verb} failed: {result.Error.Trim()} {result.Output.Trim()}");
    }

    /// <summary>The pid the part script recorded, for fault tests that kill the server.</summary>
    public int? Pid
    {
        get
        {
            var file = Path.Combine(StackDir, part, $"{part}.pid");
            return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
        }
    }
}
