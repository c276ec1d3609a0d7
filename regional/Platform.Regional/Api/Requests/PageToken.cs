using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Platform.Regional.Api.Requests;

/// <summary>
/// A listing's cursor: the revision every page is read at and the last key handed out, so that
/// following pages continue one consistent cut. Opaque to clients (base64url).
/// </summary>
public static class PageToken
{
    public static string Create(long revision, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(revision.ToString(CultureInfo.InvariantCulture) + "\n" + lastKey));

    public static (long Revision, string LastKey)? Parse(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf('\n', StringComparison.Ordinal);
        return split > 0 && long.TryParse(text.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision > 0
            ? (revision, text[(split + 1)..])
            : null;
    }
}
