namespace Insights.Host.Observability;

/// <summary>
/// Whether the role does its work, as /readyz reports it: the role sets its state (the worker from its stream's
/// state), and optional probes ask what the role depends on (Elasticsearch answering, Kafka answering). The first
/// reason found is the one-line body of a 503.
/// </summary>
public sealed class RoleReadiness
{
    private volatile string? notReady;
    private readonly List<Func<CancellationToken, Task<string?>>> probes = [];

    /// <param name="initialReason">Why the role is not ready at start (null: ready once its probes answer).</param>
    public RoleReadiness(string? initialReason) => notReady = initialReason;

    /// <summary>Ready from the start: readiness then rests on the probes alone.</summary>
    public static RoleReadiness FromProbes() => new(null);

    public void Ready() => notReady = null;

    public void NotReady(string reason) => notReady = reason;

    /// <summary>Adds a dependency check: null when it answers, else why it does not.</summary>
    public RoleReadiness Probe(Func<CancellationToken, Task<string?>> probe)
    {
        lock (probes) probes.Add(probe);
        return this;
    }

    /// <summary>Null when ready, else why not.</summary>
    public async Task<string?> ReasonAsync(CancellationToken ct)
    {
        if (notReady is { } reason) return reason;
        Func<CancellationToken, Task<string?>>[] checks;
        lock (probes) checks = [.. probes];
        foreach (var check in checks)
            if (await check(ct) is { } why) return why;
        return null;
    }
}
