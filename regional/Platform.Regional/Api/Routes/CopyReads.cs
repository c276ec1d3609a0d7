using Microsoft.AspNetCore.Http;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// Which reads a region's copy of a namespace homed elsewhere may answer: anything but a
/// linearizable read (the default of key reads and listings), which needs the home's newest
/// state; never the catalog routes or a write. The forwarding stage keeps such reads in this
/// region, and the read handlers let the copy answer only these, so a read that reaches a copy by
/// any other way (a forwarded request whose node's catalog disagrees) is refused, not answered stale.
/// </summary>
public static class CopyReads
{
    public static bool Allowed(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var segments = (request.Path.Value ?? string.Empty).Split('/', 6, StringSplitOptions.None);
        if (!HttpMethods.IsGet(request.Method) || segments is not ["", "v1", "ns", _, var route, ..])
        {
            return false;
        }

        if (route is "watch" or "history" or "digest")
        {
            return true;
        }

        var query = request.Query;
        return route == "kv" && (query["consistency"] is ["serializable" or "cached"]
            || (query.ContainsKey("minRevision") && query["consistency"] is not ["linearizable"])
            || query.ContainsKey("revision") || query.ContainsKey("pageToken"));
    }
}
