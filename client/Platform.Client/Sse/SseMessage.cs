namespace Platform.Client.Sse;

/// <summary>
/// One dispatched Server-Sent Event: its type (<c>message</c> when the stream names none), the
/// stream's last event id at dispatch (ids persist across events, as the HTML standard says), and
/// the data lines joined with line feeds.
/// </summary>
internal sealed record SseMessage(string EventType, string? LastEventId, string Data);
