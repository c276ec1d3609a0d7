using Microsoft.AspNetCore.Http;
using Platform.Regional.Api.Requests;
using Platform.Regional.Catalog;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// docs/api.md, Revisions: any revision a client presents (<c>minRevision</c>, <c>since</c>,
/// <c>Last-Event-ID</c>, <c>If-Match</c>, <c>?revision</c>, <c>pageToken</c>) that lies past a fork
/// point of its namespace (the revisions a lost home made that never reached its successor) gets
/// 410 <c>Diverged</c>, so the client relists instead of reading on from a history that no longer
/// exists. A watch gets a <c>compacted</c> event instead.
/// </summary>
public static class DivergedRevisions
{
    /// <summary>The first presented revision past a fork point, with that fork point; null when there is none.</summary>
    public static (long Revision, long Fork)? Find(HttpRequest request, CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entry);
        if (!entry.Epochs.Any(e => e.ForkRevision is not null))
        {
            return null;
        }

        foreach (var revision in Presented(request))
        {
            if (entry.ForkBelow(revision) is { } fork)
            {
                return (revision, fork);
            }
        }

        return null;
    }

    private static IEnumerable<long> Presented(HttpRequest request)
    {
        foreach (var name in new[] { "minRevision", "since", "revision" })
        {
            if (long.TryParse(request.Query[name], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var revision))
            {
                yield return revision;
            }
        }

        if (long.TryParse(request.Headers["Last-Event-ID"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var resumed))
        {
            yield return resumed;
        }

        if (request.Headers.IfMatch.ToString().Trim('"', ' ') is { Length: > 0 } tag
            && long.TryParse(tag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expected))
        {
            yield return expected;
        }

        if (request.Query["pageToken"].ToString() is { Length: > 0 } token)
        {
            (long, string)? cursor;
            try
            {
                cursor = PageToken.Parse(token);
            }
            catch (Problems.ApiProblemException)
            {
                cursor = null;
            }

            if (cursor is { } page)
            {
                yield return page.Item1;
            }
        }
    }
}
