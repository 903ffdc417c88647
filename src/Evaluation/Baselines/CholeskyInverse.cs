using MathNet.Numerics.LinearAlgebra;

namespace Insights.Evaluation.Baselines;

/// <summary>
/// The inverse of a symmetric positive definite matrix (EASE's regularised Gram matrix) from its Cholesky factor: with
/// OpenBLAS's LAPACK when Debian's libopenblas0 is installed, otherwise with Math.NET Numerics' managed Cholesky. OpenBLAS
/// inverts ml-latest-small's ~9,000 movies in seconds on two cores; the managed fallback takes minutes at that size.
/// </summary>
public static class CholeskyInverse
{
    /// <summary>Which implementation <see cref="InvertInPlace"/> runs, as the evaluation report states it.</summary>
    public static string Implementation => OpenBlasLapack.IsAvailable
        ? $"LAPACK dpotrf + dpotri in {OpenBlasLapack.Configuration}"
        : "Math.NET Numerics managed Cholesky (libopenblas.so.0 not found; apt-get install libopenblas0 for the native one)";

    /// <summary>Inverts a row-major n x n symmetric positive definite matrix in place.</summary>
    public static void InvertInPlace(double[] a, int n)
    {
        if (OpenBlasLapack.IsAvailable) OpenBlasLapack.InvertInPlace(a, n);
        else InvertManaged(a, n);
    }

    /// <summary>The fallback, also run by the tests on machines that have OpenBLAS.</summary>
    internal static void InvertManaged(double[] a, int n)
    {
        if (n == 0) return;
        // Math.NET stores column-major; the matrix is symmetric, so the array serves as is.
        var matrix = Matrix<double>.Build.Dense(n, n, a);
        Matrix<double> inverse;
        try
        {
            inverse = matrix.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(n));
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"matrix is not positive definite ({e.Message})", e);
        }
        // Column-major into the row-major array gives the transpose: the inverse again, up to rounding, as it is symmetric.
        inverse.ToColumnMajorArray().CopyTo(a, 0);
    }
}
