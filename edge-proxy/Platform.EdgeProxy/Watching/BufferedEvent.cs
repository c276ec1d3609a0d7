namespace Platform.EdgeProxy.Watching;

/// <summary>
/// One change as the edge relays it: its revision and key (for a watcher's prefix), the SSE frame
/// and the JSON data, both encoded once for every watcher that receives it.
/// </summary>
public sealed record BufferedEvent(long Revision, string Key, byte[] Frame, string Json)
{
    public long Size => 64 + (Key.Length * 2) + Frame.Length + (Json.Length * 2);
}
