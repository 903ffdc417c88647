using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Tests.Elasticsearch;

/// <summary>
/// An https endpoint on 127.0.0.1 answering like Elasticsearch's root (200, product header), with a certificate
/// for 127.0.0.1 signed by a CA made for this test: what a cluster with its own certutil CA looks like to a client.
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TlsTestServer(WebApplication app, X509Certificate2 ca, X509Certificate2 certificate, string folder)
    {
        this.app = app;
        Certificate = certificate;
        Folder = folder;
        CaPath = Path.Combine(folder, "ca.crt");
        File.WriteAllText(CaPath, ca.ExportCertificatePem());
    }

    public Uri BaseUri { get; private set; } = null!;
    public X509Certificate2 Certificate { get; }
    public string Folder { get; }
    /// <summary>The signing CA as PEM, as Elasticsearch's certutil or ECK's http-certs-public secret hand it out.</summary>
    public string CaPath { get; }

    public static async Task<TlsTestServer> StartAsync()
    {
        var ca = NewCa("Insights Test CA");
        var certificate = NewServerCertificate(ca);
        var folder = Directory.CreateTempSubdirectory("insights-es-tls-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{}");
        });
        await app.StartAsync();
        var server = new TlsTestServer(app, ca, certificate, folder);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Another CA, which did not sign the server's certificate, written beside the real one.</summary>
    public string WriteUnrelatedCa()
    {
        var path = Path.Combine(Folder, "other-ca.crt");
        File.WriteAllText(path, NewCa("Unrelated CA").ExportCertificatePem());
        return path;
    }

    private static X509Certificate2 NewCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 NewServerCertificate(X509Certificate2 ca)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        // Kestrel on Linux wants a certificate whose key came from a PKCS#12 import.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
