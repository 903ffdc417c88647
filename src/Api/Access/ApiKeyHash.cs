using System.Security.Cryptography;
using System.Text;

namespace Insights.Api.Access;

/// <summary>
/// API keys are 32 random bytes, so a plain SHA-256 of the key is as hard to reverse as the key is to guess (a slow
/// password hash adds nothing for secrets of full entropy): the settings hold only `sha256:` and the hex digest.
/// </summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>A new key (`ik_` and 43 base64url characters) and the hash that goes into the settings.</summary>
    public static (string Key, string Hash) New()
    {
        var key = "ik_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, Of(key));
    }

    public static string Of(string key) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether a settings value is a hash this class writes.</summary>
    public static bool IsWellFormed(string? hash) =>
        hash is { Length: 71 } && hash.StartsWith(Prefix, StringComparison.Ordinal) && hash[Prefix.Length..].All(Uri.IsHexDigit);

    /// <summary>Compares in constant time, so response times tell nothing about how close a guess was.</summary>
    public static bool Matches(string presentedKey, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(presentedKey)), Encoding.ASCII.GetBytes(hash.ToLowerInvariant()));
}
