using System.Runtime.InteropServices;

namespace Insights.Evaluation.Baselines;

/// <summary>
/// LAPACK's Cholesky inverse (dpotrf, then dpotri) from OpenBLAS as Debian ships it (apt package libopenblas0, which
/// stack/install installs). Math.NET's own OpenBLAS provider cannot use that library: it loads Math.NET's wrapper
/// libMathNetNumericsOpenBLAS, which neither NuGet nor Debian ships for Linux, so the two routines are called here directly.
/// </summary>
internal static class OpenBlasLapack
{
    private const string Library = "libopenblas.so.0";

    private static readonly Lazy<bool> Loads = new(() => NativeLibrary.TryLoad(Library, typeof(OpenBlasLapack).Assembly, null, out _));

    public static bool IsAvailable => Loads.Value;

    /// <summary>OpenBLAS's build line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".</summary>
    public static string Configuration => Marshal.PtrToStringUTF8(openblas_get_config()) ?? "OpenBLAS";

    /// <summary>Inverts a symmetric positive definite n x n matrix in place (every element written).</summary>
    public static void InvertInPlace(double[] a, int n)
    {
        if (n == 0) return;
        // Symmetric, so the row-major array is also the column-major matrix. 'L' in column-major is the upper triangle here.
        var triangle = (byte)'L';
        var order = n;
        dpotrf_(ref triangle, ref order, a, ref order, out var info, 1);
        if (info > 0) throw new InvalidOperationException($"matrix is not positive definite (leading minor {info} is not)");
        if (info < 0) throw new ArgumentException($"dpotrf rejected argument {-info}");
        dpotri_(ref triangle, ref order, a, ref order, out info, 1);
        if (info != 0) throw new InvalidOperationException($"dpotri failed with info {info}");
        MirrorUpperToLower(a, n);
    }

    /// <summary>dpotri writes one triangle; the other is copied from it in tiles, so reading down columns stays in cache.</summary>
    private static void MirrorUpperToLower(double[] a, int n)
    {
        const int Tile = 64;
        for (var rows = 0; rows < n; rows += Tile)
            for (var columns = 0; columns <= rows; columns += Tile)
                for (var i = rows; i < Math.Min(rows + Tile, n); i++)
                    for (var j = columns; j < Math.Min(columns + Tile, i); j++)
                        a[i * n + j] = a[j * n + i];
    }

    // Fortran calling convention: every argument by reference, and a hidden length after the character argument.
    [DllImport(Library)]
    private static extern void dpotrf_(ref byte uplo, ref int n, [In, Out] double[] a, ref int lda, out int info, nuint uploLength);

    [DllImport(Library)]
    private static extern void dpotri_(ref byte uplo, ref int n, [In, Out] double[] a, ref int lda, out int info, nuint uploLength);

    [DllImport(Library)]
    private static extern IntPtr openblas_get_config();
}
