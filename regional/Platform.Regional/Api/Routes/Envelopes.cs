using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Routes;

/// <summary>The JSON shapes of docs/api.md for keys and change events.</summary>
public static class Envelopes
{
    /// <summary><c>{key,value(base64),contentType,createRevision,modRevision,version,revision}</c></summary>
    public static object Key(KeyValue value, long revision)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new
        {
            key = value.Key,
            value = Convert.ToBase64String(value.Value.Span),
            contentType = value.ContentType,
            createRevision = value.CreateRevision,
            modRevision = value.ModRevision,
            version = value.Version,
            revision,
        };
    }

    /// <summary>A change as a watch or history carries it: the envelope plus its kind.</summary>
    public static object Change(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = change.Current;
        return new
        {
            type = change.Kind == ChangeKind.Put ? "put" : "delete",
            key = current.Key,
            value = change.Kind == ChangeKind.Put ? Convert.ToBase64String(current.Value.Span) : null,
            contentType = change.Kind == ChangeKind.Put ? current.ContentType : null,
            createRevision = current.CreateRevision,
            modRevision = change.Revision,
            version = change.Kind == ChangeKind.Put ? current.Version : 0,
            revision = change.Revision,
        };
    }
}
