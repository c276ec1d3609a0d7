namespace Platform.Client.Models;

/// <summary>The <c>?consistency=</c> of a read; the server's default applies when none is given.</summary>
public enum ReadConsistency
{
    Linearizable,
    Serializable,
    Cached,
}
