using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// What every request and response of the fake goes through, as with a real node: the `X-Elastic-Product` header,
/// content negotiation (the response Content-Type equals the request's Accept, compatible-with 8 or 9 only),
/// supported request Content-Types, matching compatible versions, and gzip/deflate request bodies.
/// </summary>
internal static class WireContract
{
    public const string ProductHeader = "X-Elastic-Product";
    private const string ResponseTypeKey = "insights.fake.response-type";

    /// <summary>Checks the headers and sets up decompression; returns the response Content-Type to use.</summary>
    public static string Negotiate(HttpContext context)
    {
        var request = context.Request;
        var accept = request.Headers.Accept.ToString().Trim();
        var acceptVersion = CompatibleVersion(accept, "Accept", context);
        string responseType;
        if (accept.Length == 0 || accept == "*/*") responseType = "application/json";
        else if (MediaType(accept) is "application/json" or "application/vnd.elasticsearch+json") responseType = accept;
        else throw MediaTypeError($"Invalid media-type value on headers [Accept]: [{accept}] is not supported by this server");
        context.Items[ResponseTypeKey] = responseType;

        if (HasBody(request))
        {
            var contentType = request.ContentType?.Trim() ?? "";
            if (contentType.Length == 0) throw new NotAcceptable("Content-Type header is missing");
            if (MediaType(contentType) is not ("application/json" or "application/x-ndjson"
                or "application/vnd.elasticsearch+json" or "application/vnd.elasticsearch+x-ndjson"))
                throw new NotAcceptable($"Content-Type header [{contentType}] is not supported");
            var contentVersion = CompatibleVersion(contentType, "Content-Type", context);
            if (acceptVersion is not null && contentVersion is not null && acceptVersion != contentVersion)
                throw MediaTypeError("Invalid media-type value on headers [Content-Type, Accept]",
                    $"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept={accept}, Content-Type={contentType}");
            Decompress(request);
        }
        return responseType;
    }

    public static string ResponseType(HttpContext context) =>
        context.Items[ResponseTypeKey] as string ?? "application/json";

    public static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ResponseType(context);
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static void Decompress(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        request.Body = encoding switch
        {
            "" or "identity" => request.Body,
            "gzip" => new GZipStream(request.Body, CompressionMode.Decompress),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress),
            _ => throw ElasticsearchError.IllegalArgument($"Content-Encoding [{encoding}] is not supported"),
        };
    }

    private static string MediaType(string header) => header.Split(';')[0].Trim().ToLowerInvariant();

    private static string? CompatibleVersion(string header, string name, HttpContext context)
    {
        foreach (var parameter in header.Split(';').Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (pair.Length != 2 || pair[0].Trim() != "compatible-with") continue;
            var version = pair[1].Trim();
            if (version is not ("8" or "9"))
                throw MediaTypeError($"Invalid media-type value on headers [{name}]",
                    $"{name} version must be either version 8 or 9, but found {version}. {name}={header}");
            return version;
        }
        return null;
    }

    private static ElasticsearchError MediaTypeError(string reason, string? cause = null) =>
        new(400, "media_type_header_exception", reason, cause is null ? null
            : new JsonObject { ["caused_by"] = new JsonObject { ["type"] = "status_exception", ["reason"] = cause } });

    /// <summary>ES answers an unsupported Content-Type with a bare-string error: `{"error":"...","status":406}`.</summary>
    public sealed class NotAcceptable(string message) : Exception(message)
    {
        public JsonObject Body() => new() { ["error"] = Message, ["status"] = 406 };
    }
}
