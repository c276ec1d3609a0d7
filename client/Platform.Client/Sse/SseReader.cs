using System.Runtime.CompilerServices;
using System.Text;

namespace Platform.Client.Sse;

/// <summary>
/// Parses a <c>text/event-stream</c> body as the HTML standard's event-stream interpretation does:
/// lines end in CR, LF or CRLF; a line starting with a colon is a comment (the server's keep-alive);
/// <c>field: value</c> loses one leading space of its value; <c>data</c> lines accumulate; a blank
/// line dispatches; an event with no data is not dispatched; an <c>id</c> containing NUL is ignored.
/// </summary>
internal static class SseReader
{
    public static async IAsyncEnumerable<SseMessage> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // StreamReader splits on CR, LF and CRLF; the one leading BOM the standard allows is dropped below.
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var data = new StringBuilder();
        string? eventType = null;
        string? lastEventId = null;
        var first = true;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (first)
            {
                first = false;
                line = line.StartsWith('\uFEFF') ? line[1..] : line;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    // The standard removes the one trailing line feed that the last data line added.
                    yield return new SseMessage(eventType ?? "message", lastEventId, data.ToString(0, data.Length - 1));
                }

                data.Clear();
                eventType = null;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "data":
                    data.Append(value).Append('\n');
                    break;
                case "event":
                    eventType = value;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    lastEventId = value;
                    break;
                default:
                    // "retry" and unknown fields: the client keeps its own reconnection policy.
                    break;
            }
        }

        // An event not terminated by a blank line when the stream ends is discarded (the standard).
    }
}
