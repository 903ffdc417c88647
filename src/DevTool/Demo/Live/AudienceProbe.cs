using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api;
using Insights.Api.Access;
using Insights.Sinks;

namespace Insights.DevTool.Demo.Live;

/// <summary>The featured movie's current top audience, asked of the demo's API exactly as a page or a client would.</summary>
public sealed class AudienceProbe : IDisposable
{
    private readonly HttpClient http;
    private readonly int movieId;
    private readonly int top;

    public AudienceProbe(Uri api, string apiKey, int movieId, int top = 5)
    {
        http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(3) };
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, apiKey);
        this.movieId = movieId;
        this.top = top;
    }

    public async Task<AudienceView> ReadAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync($"movies/{movieId}/audience?top={top}", ct);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, ct);
                return AudienceView.Failed($"HTTP {(int)response.StatusCode}{(error is null ? "" : $": {error}")}");
            }
            var answer = await response.Content.ReadFromJsonAsync(AudienceJsonContext.Default.AudienceAnswer, ct);
            return answer is null ? AudienceView.Failed("empty answer") : new AudienceView([.. answer.Members.Select(m => (m.MemberId, m.Score))], null);
        }
        catch (HttpRequestException e) { return AudienceView.Failed(e.HttpRequestError == HttpRequestError.ConnectionError ? "api not answering yet" : e.Message); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return AudienceView.Failed("api timed out"); }
        catch (JsonException e) { return AudienceView.Failed($"unexpected answer: {e.Message}"); }
    }

    private static async Task<string?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        // Problem details (RFC 9457): the detail names the problem.
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    public void Dispose() => http.Dispose();
}

/// <summary>The top members (best first) or why there are none to show.</summary>
public sealed record AudienceView(IReadOnlyList<(long MemberId, double Score)> Members, string? Problem)
{
    public static AudienceView Failed(string problem) => new([], problem);

    /// <summary>Members and scores in order: what "the audience changed" compares.</summary>
    public string Signature => string.Join(',', Members.Select(m => $"{m.MemberId}:{m.Score.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}"));
}
