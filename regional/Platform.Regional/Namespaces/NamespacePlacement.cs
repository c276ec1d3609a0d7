using System.IO.Hashing;
using System.Text;

namespace Platform.Regional.Namespaces;

/// <summary>
/// Which of the region's groups holds a namespace: a stable hash of its name. Every node computes
/// the same answer without asking anyone, so a request finds its group with no directory lookup.
/// </summary>
public static class NamespacePlacement
{
    public static ulong GroupOf(string name, int groups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(name)) % (ulong)groups;
    }
}
