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
}
