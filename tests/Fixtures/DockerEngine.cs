using System.Net.Http;
using System.Net.Sockets;

namespace Insights.Fixtures;

/// <summary>
/// Whether a Docker engine answers here. Fixtures use Testcontainers with real images when it does,
/// and the local stack (or a fake) when it does not.
/// </summary>
public static class DockerEngine
{
    private static readonly Lazy<bool> Answers = new(Probe);

    public static bool IsAvailable => Answers.Value;

    private static bool Probe()
    {
        if (Environment.GetEnvironmentVariable("INSIGHTS_NO_DOCKER") == "1") return false;
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            using var handler = new SocketsHttpHandler();
            Uri baseUri;
            if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var socketPath = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
                if (!File.Exists(socketPath)) return false;
                handler.ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                };
                baseUri = new Uri("http://docker/");
            }
            else
            {
                baseUri = new Uri(host.Replace("tcp://", "http://", StringComparison.Ordinal));
            }
            using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(3) };
            return http.GetAsync("_ping").GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
        {
            return false;
        }
    }
}
