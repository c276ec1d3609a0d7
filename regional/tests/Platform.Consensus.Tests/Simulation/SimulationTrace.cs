using System.Globalization;
using System.Text;
using Platform.Consensus.Messages;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// The last events of a run, kept cheaply (formatted only when a run fails) so a failure prints a
/// readable account of what led to it.
/// </summary>
public sealed class SimulationTrace(int capacity)
{
    private readonly (TimeSpan At, ulong Node, Message? Message, string? Text)[] events = new (TimeSpan, ulong, Message?, string?)[capacity];
    private long count;

    public void Message(TimeSpan at, string verb, Message message) => Add(at, 0, message, verb);

    public void Note(TimeSpan at, ulong node, string text) => Add(at, node, null, text);

    private void Add(TimeSpan at, ulong node, Message? message, string? text)
    {
        events[count % capacity] = (at, node, message, text);
        count++;
    }

    public string Format()
    {
        var text = new StringBuilder();
        var first = Math.Max(0, count - capacity);
        text.AppendLine(CultureInfo.InvariantCulture, $"last {count - first} of {count} events:");
        for (var i = first; i < count; i++)
        {
            var (at, node, message, note) = events[i % capacity];
            var when = at.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture).PadLeft(10);
            text.AppendLine(message is null ? $"{when}ms  n{node}: {note}" : $"{when}ms  {note} {message}");
        }

        return text.ToString();
    }
}
