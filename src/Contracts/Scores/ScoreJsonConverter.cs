using System.Text.Json;
using System.Text.Json.Serialization;

namespace Insights.Contracts.Scores;

/// <summary>
/// Writes a movie's score, which the processors round to 6 decimals, from its integer millionths: the bytes are the
/// ones <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> writes (the shortest round-trip form), without the
/// general floating-point formatting, which took about a tenth of a score update's cost. A value with more decimals, or
/// one that the shortest form writes with an exponent (below 0.0001), goes through the writer as before.
/// </summary>
public sealed class ScoreJsonConverter : JsonConverter<double>
{
    private const double Millionths = 1e6;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e9) || Math.Round(magnitude * Millionths) is var scaled && scaled / Millionths != magnitude)
        {
            writer.WriteNumberValue(value);
            return;
        }
        Span<byte> digits = stackalloc byte[24];
        var n = 0;
        if (value < 0) digits[n++] = (byte)'-';
        var millionths = (long)scaled;
        var whole = millionths / 1_000_000;
        var fraction = (int)(millionths % 1_000_000);
        whole.TryFormat(digits[n..], out var written);
        n += written;
        if (fraction != 0)
        {
            digits[n++] = (byte)'.';
            for (var divisor = 100_000; fraction != 0; divisor /= 10)
            {
                digits[n++] = (byte)('0' + fraction / divisor);
                fraction %= divisor;
            }
        }
        writer.WriteRawValue(digits[..n], skipInputValidation: true);
    }
}
