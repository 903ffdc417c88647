using Insights.Evaluation.Baselines;

namespace Insights.Evaluation.Tests.Baselines;

/// <summary>Both implementations behind EASE's inverse: OpenBLAS's LAPACK (where Debian's libopenblas0 is installed) and Math.NET's managed Cholesky.</summary>
public class CholeskyInverseTests
{
    // [[4, 1, 2], [1, 3, 0], [2, 0, 5]] has determinant 43 and adjugate [[15, -5, -6], [-5, 16, 2], [-6, 2, 11]].
    private static readonly double[] Matrix = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    private static readonly double[] KnownInverse = [.. new double[] { 15, -5, -6, -5, 16, 2, -6, 2, 11 }.Select(v => v / 43)];

    public static TheoryData<string> Implementations => ["openblas", "managed"];

    private static Action<double[], int> Invert(string implementation)
    {
        if (implementation == "managed") return CholeskyInverse.InvertManaged;
        if (!OpenBlasLapack.IsAvailable) Assert.Skip("libopenblas.so.0 not installed (stack/install installs Debian's libopenblas0)");
        return OpenBlasLapack.InvertInPlace;
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_small_matrix_gets_its_known_inverse(string implementation)
    {
        var a = (double[])Matrix.Clone();

        Invert(implementation)(a, 3);

        for (var k = 0; k < a.Length; k++) Assert.Equal(KnownInverse[k], a[k], 12);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_gram_matrix_times_its_inverse_is_the_identity(string implementation)
    {
        const int n = 300;
        var gram = RandomGram(n, seed: 3);
        var inverse = (double[])gram.Clone();

        Invert(implementation)(inverse, n);

        for (var i = 0; i < n; i += 7)
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++) sum += gram[i * n + k] * inverse[k * n + j];
                Assert.Equal(i == j ? 1 : 0, sum, 9);
            }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_matrix_that_is_not_positive_definite_is_refused(string implementation)
    {
        double[] indefinite = [1, 2, 2, 1];

        var error = Assert.Throws<InvalidOperationException>(() => Invert(implementation)(indefinite, 2));

        Assert.Contains("not positive definite", error.Message);
    }

    [Fact]
    public void The_report_names_the_implementation_that_runs()
    {
        Assert.StartsWith(OpenBlasLapack.IsAvailable ? "LAPACK dpotrf + dpotri in OpenBLAS" : "Math.NET Numerics managed Cholesky",
            CholeskyInverse.Implementation);
    }

    /// <summary>X'X + 10 I for a random 0/1 matrix X of 200 members: EASE's kind of matrix.</summary>
    private static double[] RandomGram(int n, int seed)
    {
        var random = new Random(seed);
        var gram = new double[n * n];
        for (var member = 0; member < 200; member++)
        {
            var items = Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.05).ToArray();
            foreach (var i in items)
                foreach (var j in items) gram[i * n + j] += 1;
        }
        for (var i = 0; i < n; i++) gram[i * n + i] += 10;
        return gram;
    }
}
