using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Insights.Host.Observability;

/// <summary>The /readyz check: unhealthy, with the reason as description, until the role's <see cref="RoleReadiness"/> says ready.</summary>
public sealed class ReadinessHealthCheck(RoleReadiness readiness) : IHealthCheck
{
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await readiness.ReasonAsync(cancellationToken) is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy("ready");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"readiness check failed: {e.Message}");
        }
    }
}
