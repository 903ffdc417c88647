using Insights.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Host.Observability;

/// <summary>The api's /readyz: its audience source (Elasticsearch or the scores-topic view) answers a member lookup.</summary>
public static class ApiReadiness
{
    public static async Task<string?> SourceAnswers(IServiceProvider services, CancellationToken ct)
    {
        var source = services.GetRequiredService<IAudienceSource>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            // Member 0 never exists: the answer (none) proves the store is reachable without reading anyone's data.
            await source.MemberPropensitiesAsync(0, timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return "the audience source did not answer within 3 s"; }
        catch (Exception e) when (e is not OperationCanceledException) { return $"the audience source does not answer: {e.Message}"; }
    }
}
