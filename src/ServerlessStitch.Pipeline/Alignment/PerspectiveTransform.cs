namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>
/// A 3x3 homography in double precision (row-major, p' ~ M·[x, y, 1]). <see cref="QuadToCrop"/> maps frame pixel
/// coordinates (pixel centres at integers) to crop coordinates where the crop square spans [0, R]² and crop
/// pixel j has its centre at j + 0.5 — the sampling convention of <c>models/stitchmodels/align.py</c>, so our
/// crops and the training crops are the same pixels. Un-alignment uses the inverse (STIT-NOTES "Alignment").
/// </summary>
public sealed class PerspectiveTransform
{
    private readonly double[] m;

    private PerspectiveTransform(double[] matrix) => m = matrix;

    /// <summary>The 9 entries, row-major.</summary>
    public IReadOnlyList<double> Matrix => m;

    /// <summary>Quad corners TL, TR, BR, BL go to (0,0), (R,0), (R,R), (0,R).</summary>
    public static PerspectiveTransform QuadToCrop(FaceQuad quad, int resolution)
    {
        Check.Positive(resolution);
        double r = resolution;
        return FromCorrespondences(
            [quad.TopLeft, quad.TopRight, quad.BottomRight, quad.BottomLeft],
            [new(0, 0), new(r, 0), new(r, r), new(0, r)]);
    }

    /// <summary>Solves the homography that maps four source points onto four destination points.</summary>
    public static PerspectiveTransform FromCorrespondences(IReadOnlyList<Point2> source, IReadOnlyList<Point2> destination)
    {
        if (source.Count != 4 || destination.Count != 4)
        {
            throw new ArgumentException("A perspective transform needs exactly four point pairs.");
        }

        // Eight equations in the eight unknowns h0..h7 (h8 = 1): u = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), same for v.
        var a = new double[8, 9];
        for (int i = 0; i < 4; i++)
        {
            (double x, double y) = (source[i].X, source[i].Y);
            (double u, double v) = (destination[i].X, destination[i].Y);
            double[] rowU = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] rowV = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (int c = 0; c < 9; c++)
            {
                a[2 * i, c] = rowU[c];
                a[(2 * i) + 1, c] = rowV[c];
            }
        }
        double[] h = SolveAugmented(a);
        return new PerspectiveTransform([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]);
    }

    public Point2 Apply(Point2 p)
    {
        double w = (m[6] * p.X) + (m[7] * p.Y) + m[8];
        return new Point2(((m[0] * p.X) + (m[1] * p.Y) + m[2]) / w, ((m[3] * p.X) + (m[4] * p.Y) + m[5]) / w);
    }

    public PerspectiveTransform Inverse()
    {
        // Adjugate / determinant of the 3x3 matrix.
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double[] adj =
        [
            (e * i) - (f * h), (c * h) - (b * i), (b * f) - (c * e),
            (f * g) - (d * i), (a * i) - (c * g), (c * d) - (a * f),
            (d * h) - (e * g), (b * g) - (a * h), (a * e) - (b * d),
        ];
        double det = (a * adj[0]) + (b * adj[3]) + (c * adj[6]);
        if (Math.Abs(det) < 1e-300 || !double.IsFinite(det))
        {
            throw new InvalidOperationException("The perspective transform is singular and has no inverse.");
        }
        return new PerspectiveTransform(adj.Select(v => v / det).ToArray());
    }

    /// <summary>Gaussian elimination with partial pivoting on an n x (n+1) augmented matrix.</summary>
    private static double[] SolveAugmented(double[,] a)
    {
        int n = a.GetLength(0);
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }
            if (Math.Abs(a[pivot, col]) < 1e-12)
            {
                throw new ArgumentException("The four points are degenerate (three on a line); no perspective transform maps them.");
            }
            for (int c = col; c <= n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }
            for (int row = 0; row < n; row++)
            {
                if (row == col)
                {
                    continue;
                }
                double factor = a[row, col] / a[col, col];
                for (int c = col; c <= n; c++)
                {
                    a[row, c] -= factor * a[col, c];
                }
            }
        }
        var x = new double[n];
        for (int row = 0; row < n; row++)
        {
            x[row] = a[row, n] / a[row, row];
        }
        return x;
    }
}
