using Platform.Regional.Security;

namespace Platform.Cli.Up;

/// <summary>
/// The admin token of a local platform: generated at the first <c>up</c>, kept in
/// <c>cluster.json</c>, and reused by every later <c>up</c> over the same data directory (the
/// nodes only ever see its hash).
/// </summary>
public static class AdminToken
{
    public static string ReuseOrCreate(string clusterPath)
    {
        if (File.Exists(clusterPath))
        {
            try
            {
                if (ClusterFile.Read(clusterPath).AdminToken is { Length: > 0 } existing)
                {
                    return existing;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A damaged file is rewritten once the platform is up; a new token replaces the lost one.
            }
        }

        return TokenHash.NewToken();
    }
}
