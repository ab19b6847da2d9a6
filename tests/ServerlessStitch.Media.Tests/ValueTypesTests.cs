namespace ServerlessStitch.Media.Tests;

public sealed class ValueTypesTests
{
    [Fact]
    public void Rational_JsonRoundTrip_KeepsTheFraction()
    {
        var rate = new Rational(30000, 1001);

        string json = System.Text.Json.JsonSerializer.Serialize(rate);

        Assert.Equal(rate, System.Text.Json.JsonSerializer.Deserialize<Rational>(json));
    }

    [Theory]
    [InlineData("30000/1001", 30000, 1001)]
    [InlineData("50/2", 25, 1)]
    [InlineData("60000/2002", 30000, 1001)]
    public void Rational_TryParse_ReducesTheFraction(string text, long numerator, long denominator)
    {
        Assert.Equal(new Rational(numerator, denominator), Rational.TryParse(text));
        Assert.Equal($"{numerator}/{denominator}", Rational.TryParse(text).ToString());
    }

    [Theory]
    [InlineData("0/0")]
    [InlineData("25")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Rational_TryParse_Malformed_GivesNull(string text)
    {
        Assert.Null(Rational.TryParse(text));
    }

    [Fact]
    public void Rational_SecondsAt_IsExactForNtsc()
    {
        Assert.Equal(1001.0 / 30000 * 45, new Rational(30000, 1001).SecondsAt(45), 12);
    }

    [Fact]
    public void FrameRange_Split_CoversEveryFrameOnce()
    {
        var ranges = FrameRange.Split(total: 50, size: 16);

        Assert.Equal([new FrameRange(0, 16), new FrameRange(16, 32), new FrameRange(32, 48), new FrameRange(48, 50)], ranges);
    }

    [Fact]
    public void FrameRange_Empty_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameRange(5, 5));
    }

    [Fact]
    public void Frame_WrongPixelCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => Frame.Rgb(0, 2, 2, new byte[11]));
    }
}
