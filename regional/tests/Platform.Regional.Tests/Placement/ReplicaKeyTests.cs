using Platform.Regional.Placement;

namespace Platform.Regional.Tests.Placement;

public sealed class ReplicaKeyTests
{
    [Fact]
    public void Keys_split_into_what_and_node()
    {
        Assert.Equal("node-2", ReplicaKey.NodeOf("g7@node-2"));
        Assert.Equal("g7", ReplicaKey.WhatOf("g7@node-2"));
        Assert.Null(ReplicaKey.NodeOf("g7"));
        Assert.Throws<ArgumentException>(() => ReplicaKey.For("a@b", "node-1"));
    }

    [Fact]
    public void A_key_may_name_the_silo_generation_which_placement_ignores()
    {
        var key = ReplicaKey.For("g7", "node-2", 154740950);

        Assert.Equal("g7@node-2#154740950", key);
        Assert.Equal("node-2", ReplicaKey.NodeOf(key));
        Assert.Equal("g7", ReplicaKey.WhatOf(key));
        Assert.Equal("g7@node-2", ReplicaKey.For("g7", "node-2", 0));
        Assert.Null(ReplicaKey.NodeOf("g7@#12"));
    }
}
