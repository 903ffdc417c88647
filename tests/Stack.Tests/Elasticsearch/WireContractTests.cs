using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>
/// The HTTP contract the client relies on, checked with raw requests: what a real node does here, the fake must do
/// too (these hold against the Testcontainers node as well).
/// </summary>
public sealed class WireContractTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private const string Compatible9 = "application/vnd.elasticsearch+json;compatible-with=9";
    private readonly HttpClient http = new() { BaseAddress = server.BaseUri };

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/no-such-index/_doc/1")]
    [InlineData("POST", "/no-such-index/_search")]
    public async Task Every_response_names_the_product(string method, string path)
    {
        using var response = await SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal("Elasticsearch", Assert.Single(response.Headers.GetValues("X-Elastic-Product")));
    }

    [Theory]
    [InlineData(Compatible9)]
    [InlineData("application/json")]
    public async Task The_response_content_type_equals_the_request_accept(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(accept, response.Content.Headers.ContentType!.ToString().Replace("; ", ";"));
    }

    [Fact]
    public async Task Refuses_a_request_body_of_an_unsupported_content_type()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/_search") { Content = new StringContent("{}", Encoding.UTF8, "text/plain") };

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("Content-Type header [text/plain", (await BodyAsync(response))["error"]!.ToString());
    }

    [Fact]
    public async Task Refuses_an_accept_header_asking_for_an_unsupported_compatible_version()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.elasticsearch+json;compatible-with=7");

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("media_type_header_exception", (await BodyAsync(response))["error"]!["type"]!.ToString());
    }

    [Fact]
    public async Task Refuses_different_compatible_versions_on_accept_and_content_type()
    {
        var request = Json(HttpMethod.Post, "/_search", "{}", "application/vnd.elasticsearch+json;compatible-with=8");
        request.Headers.TryAddWithoutValidation("Accept", Compatible9);

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("media_type_header_exception", (await BodyAsync(response))["error"]!["type"]!.ToString());
    }

    [Fact]
    public async Task Refuses_a_bulk_body_that_does_not_end_with_a_newline()
    {
        var index = ElasticsearchServer.UniqueName("newline");
        var request = Json(HttpMethod.Post, $"/{index}/_bulk", "{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}", "application/x-ndjson");

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await BodyAsync(response))["error"]!;
        Assert.Equal("illegal_argument_exception", error["type"]!.ToString());
        Assert.Contains("newline", error["reason"]!.ToString());
    }

    [Fact]
    public async Task Answers_an_unknown_query_type_with_a_parsing_exception()
    {
        var index = ElasticsearchServer.UniqueName("unknown");
        using (var created = await SendAsync(Json(HttpMethod.Put, $"/{index}", "{}", Compatible9))) Assert.True(created.IsSuccessStatusCode);

        using var response = await SendAsync(Json(HttpMethod.Post, $"/{index}/_search", "{\"query\":{\"no_such_query\":{}}}", Compatible9));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal("parsing_exception", body["error"]!["type"]!.ToString());
        Assert.Equal("parsing_exception", body["error"]!["root_cause"]![0]!["type"]!.ToString());
        Assert.Contains("no_such_query", body["error"]!["reason"]!.ToString());
        Assert.Equal(400, body["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reads_a_gzip_compressed_request_body()
    {
        var index = ElasticsearchServer.UniqueName("gzip");
        var ndjson = Encoding.UTF8.GetBytes("{\"index\":{\"_id\":\"1\"}}\n{\"memberId\":\"m1\"}\n");
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) await gzip.WriteAsync(ndjson, TestContext.Current.CancellationToken);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/{index}/_bulk?refresh=true") { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-ndjson");
        request.Content.Headers.ContentEncoding.Add("gzip");

        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await BodyAsync(response))["errors"]!.GetValue<bool>());
        using var read = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/{index}/_doc/1"));
        Assert.Equal("m1", (await BodyAsync(read))["_source"]!["memberId"]!.ToString());
    }

    [Fact]
    public async Task Refuses_an_unrecognized_url_parameter_naming_it()
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/_search?no_such_parameter=1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no_such_parameter", (await BodyAsync(response))["error"]!["reason"]!.ToString());
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body) };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return request;
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => http.SendAsync(request, TestContext.Current.CancellationToken);

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
}
