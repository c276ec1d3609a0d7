using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class RevisionFloorsTests
{
    [Fact]
    public void The_floor_only_rises_and_is_kept_per_namespace()
    {
        var floors = new RevisionFloors();
        floors.Saw("a", 10);
        floors.Saw("a", 7);
        floors.Saw("b", 3);
        floors.Saw("b", null);

        Assert.Equal((10L, 3L), (floors.Of("a")!.Value, floors.Of("b")!.Value));
        floors.Forget("a");
        Assert.Null(floors.Of("a"));
    }
}
