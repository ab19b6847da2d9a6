using ServerlessStitch.Pipeline.Editing;

namespace ServerlessStitch.Pipeline.Tests.Editing;

public class EditSpecTests
{
    [Theory]
    [InlineData("smile=1.5", "smile", 1.5)]
    [InlineData("age=-1", "age", -1.0)]
    [InlineData(" smile = 2 ", "smile", 2.0)]
    [InlineData("eye_distance=1e-1", "eye_distance", 0.1)]
    [InlineData("mouth-open=+3", "mouth-open", 3.0)]
    public void Parse_NameAndStep_ReadsBoth(string spec, string name, double step)
    {
        EditSpec edit = EditSpec.Parse(spec);

        Assert.Equal(name, edit.Name);
        Assert.Equal(step, edit.Step);
        Assert.False(edit.IsFile);
    }

    [Fact]
    public void Parse_NameOnly_StepLeftToManifest()
    {
        EditSpec edit = EditSpec.Parse("smile");

        Assert.Equal("smile", edit.Name);
        Assert.Null(edit.Step);
        Assert.Equal("smile", edit.ToString());
    }

    [Theory]
    [InlineData("dirs/pose.npy=2", "dirs/pose.npy", "pose", 2.0)]
    [InlineData("pose.NPY", "pose.NPY", "pose", null)]
    [InlineData("/tmp/a=b/yaw.npy=-0.5", "/tmp/a=b/yaw.npy", "yaw", -0.5)]
    public void Parse_DirectionFile_KeepsPathAndStep(string spec, string path, string name, double? step)
    {
        EditSpec edit = EditSpec.Parse(spec);

        Assert.True(edit.IsFile);
        Assert.Equal(path, edit.DirectionPath);
        Assert.Equal(name, edit.Name);
        Assert.Equal(step, edit.Step);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "   ")]
    [InlineData("smile=", "=")]
    [InlineData("smile=abc", "abc")]
    [InlineData("smile=1.5.2", "1.5.2")]
    [InlineData("smile=NaN", "NaN")]
    [InlineData("smile=Infinity", "Infinity")]
    [InlineData("=1", "=1")]
    [InlineData("big smile=1", "big smile")]
    [InlineData("smile!=1", "smile!")]
    public void Parse_Malformed_ThrowsNamingTheBadPart(string spec, string part)
    {
        var ex = Assert.Throws<EditSpecException>(() => EditSpec.Parse(spec));

        Assert.Equal(part, ex.Part);
        Assert.Contains($"'{part}'", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    [Fact]
    public void ParseAll_OneBad_ThrowsForThatOne()
    {
        var ex = Assert.Throws<EditSpecException>(() => EditSpec.ParseAll(["smile=1", "age=x"]));
        Assert.Equal("age=x", ex.Spec);
    }

    [Fact]
    public void Named_RoundTripsThroughToString()
    {
        Assert.Equal("age=-1.25", EditSpec.Named("age", -1.25).ToString());
        Assert.Equal(EditSpec.Parse("age=-1.25"), EditSpec.Parse(EditSpec.Named("age", -1.25).ToString()));
    }
}
