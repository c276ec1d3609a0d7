namespace Platform.Regional.Tests.Api;

/// <summary>Polls a condition that replication makes true shortly (bounded; fails the test when it never holds).</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, double seconds = 10)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"the condition did not hold within {seconds} s");
    }
}
