namespace Platform.Configuration;

/// <summary>
/// Keys to configuration paths: the prefix is cut and each <c>/</c> becomes the configuration
/// separator, so <c>app/db/host</c> under prefix <c>app/</c> is <c>db:host</c> (and binds to
/// <c>Db.Host</c> of an options class).
/// </summary>
internal static class KeyPaths
{
    public static string? ToPath(string key, string prefix)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length)
        {
            return null;
        }

        return key[prefix.Length..].Trim('/').Replace('/', ':');
    }
}
