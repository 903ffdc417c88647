using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Insights.Api;

/// <summary>
/// The audience explorer page: static HTML, JS and CSS embedded in this assembly (no CDN, no chart library:
/// the charts are inline SVG), served at `/`, `/page.js` and `/page.css`.
/// </summary>
public static class ExplorerPage
{
    private static readonly (string Route, string File, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/page.js", "page.js", "text/javascript; charset=utf-8"),
        ("/page.css", "page.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapExplorerPage(this IEndpointRouteBuilder app)
    {
        foreach (var (route, file, contentType) in Files)
        {
            var bytes = Read(file);
            app.MapGet(route, () => Results.Bytes(bytes, contentType)).ExcludeFromDescription();
        }
        return app;
    }

    private static byte[] Read(string file)
    {
        var name = $"Insights.Api.Page.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from {Assembly.GetExecutingAssembly().GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
