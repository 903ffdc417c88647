using System.Net;
using Insights.Contracts;
using Insights.Host.Observability;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Tests.Observability;

/// <summary>
/// The endpoint of capture, worker and sink: /healthz answers 200 while the process lives, /readyz answers 503 with
/// the reason until the role says it does its work (and again when it stops), /metrics answers Prometheus text;
/// no Observability:Urls means no endpoint, and a wrong one is an error naming the key.
/// </summary>
public sealed class ObservabilityServerTests
{
    [Fact]
    public async Task Readyz_answers_503_with_the_reason_until_the_role_is_ready_while_healthz_answers_200()
    {
        var readiness = new RoleReadiness("the stream is not running yet");
        await using var role = await ObservedRole.StartAsync("worker", readiness);
        var ct = TestContext.Current.CancellationToken;

        var alive = await role.Http.GetAsync("/healthz", ct);
        var before = await role.Http.GetAsync("/readyz", ct);
        readiness.Ready();
        var ready = await role.Http.GetAsync("/readyz", ct);
        readiness.NotReady("the stream is REBALANCING");
        var after = await role.Http.GetAsync("/readyz", ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal("the stream is not running yet", (await before.Content.ReadAsStringAsync(ct)).Trim());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadAsStringAsync(ct)).Trim());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal("the stream is REBALANCING", (await after.Content.ReadAsStringAsync(ct)).Trim());
    }

    [Fact]
    public async Task Readyz_reports_the_first_probe_that_fails()
    {
        var elasticsearchUp = false;
        var readiness = RoleReadiness.FromProbes().Probe(_ => Task.FromResult(elasticsearchUp ? null : "Elasticsearch does not answer"));
        await using var role = await ObservedRole.StartAsync("sink", readiness);
        var ct = TestContext.Current.CancellationToken;

        var down = await role.Http.GetAsync("/readyz", ct);
        elasticsearchUp = true;
        var up = await role.Http.GetAsync("/readyz", ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Elasticsearch does not answer", (await down.Content.ReadAsStringAsync(ct)).Trim());
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task Metrics_answers_prometheus_text_naming_the_role()
    {
        await using var role = await ObservedRole.StartAsync("capture", RoleReadiness.FromProbes());

        var metrics = await role.MetricsAsync();

        Assert.Contains("target_info{", metrics);
        Assert.Contains("service_name=\"insights-capture\"", metrics);
    }

    [Fact]
    public async Task Metrics_carry_the_runtime_meter_with_the_bytes_the_process_allocated()
    {
        await using var role = await ObservedRole.StartAsync("worker", RoleReadiness.FromProbes());
        var first = PrometheusText.Sample(await role.MetricsAsync(), ObservabilityEndpoints.AllocatedBytesSeries);
        Assert.NotNull(first);
        GC.KeepAlive(new byte[1 << 20]);

        // The exporter answers scrapes from a short-lived cache, so the next answer may still be the first one.
        double? later = null;
        await Poll.UntilAsync(async () => (later = PrometheusText.Sample(await role.MetricsAsync(), ObservabilityEndpoints.AllocatedBytesSeries)) >= first + (1 << 20),
            () => $"allocated bytes above {first} + 1 MiB after a 1 MiB allocation, last {later}", TimeSpan.FromSeconds(10),
            TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void No_endpoint_when_Observability_Urls_is_empty()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:Urls"] = "" }).Build();

        Assert.Null(ObservabilityServer.Create(configuration, "worker", RoleReadiness.FromProbes()));
    }

    [Fact]
    public void A_url_that_is_not_http_is_an_error_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:Urls"] = "127.0.0.1:9464" }).Build();

        var error = Assert.Throws<CommandLineError>(() => ObservabilityServer.Create(configuration, "worker", RoleReadiness.FromProbes()));

        Assert.Contains("Observability:Urls", error.Message);
    }
}
