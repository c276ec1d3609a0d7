namespace Platform.Configuration.Tests;

public sealed class LastKnownGoodTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void What_was_written_is_read_back_with_its_revision()
    {
        var path = Path.Combine(directory, "lkg.json");
        LastKnownGood.Write(path, 42, new Dictionary<string, string?> { ["checkout:maxItems"] = "80", ["flag"] = null });

        var read = LastKnownGood.Read(path);

        Assert.NotNull(read);
        Assert.Equal(42, read.Value.Revision);
        Assert.Equal("80", read.Value.Data["CHECKOUT:MAXITEMS"]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void A_missing_or_damaged_file_reads_as_nothing()
    {
        Directory.CreateDirectory(directory);
        var damaged = Path.Combine(directory, "damaged.json");
        File.WriteAllText(damaged, "{ not json");

        Assert.Null(LastKnownGood.Read(Path.Combine(directory, "missing.json")));
        Assert.Null(LastKnownGood.Read(damaged));
    }
}
