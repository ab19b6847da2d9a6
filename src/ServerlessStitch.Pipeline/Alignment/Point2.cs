using System.Globalization;

namespace ServerlessStitch.Pipeline.Alignment;

/// <summary>A point or vector in frame pixel coordinates (x right, y down; pixel centres at integers).</summary>
public readonly record struct Point2(double X, double Y)
{
    public static Point2 operator +(Point2 a, Point2 b) => new(a.X + b.X, a.Y + b.Y);

    public static Point2 operator -(Point2 a, Point2 b) => new(a.X - b.X, a.Y - b.Y);

    public static Point2 operator *(Point2 a, double s) => new(a.X * s, a.Y * s);

    public static Point2 operator *(double s, Point2 a) => a * s;

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    /// <summary>The vector turned 90° (x, y) -> (-y, x): numpy's <c>flipud(v) * [-1, 1]</c> in the FFHQ rule.</summary>
    public Point2 Rot90() => new(-Y, X);

    public static Point2 Lerp(Point2 a, Point2 b, double t) => a + ((b - a) * t);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X:0.####}, {Y:0.####})");
}
