namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>
/// The part buffers of finished uploads, kept for the next upload of the process while the garbage
/// collector has not taken them. A run uploads several objects one after another (each database,
/// then the manifest); with a fresh pair of 16 MB arrays per upload, the large object heap kept
/// the earlier pairs until a full collection, and the first backup of a process grew by the sum
/// (69 MB in docs/benchmarks.md). The pool holds its arrays through weak references only, so an
/// idle console gives them back at the next full collection instead of keeping them for its life.
/// </summary>
internal static class PartBuffers
{
    private const int MaxKept = 4;
    private static readonly List<WeakReference<byte[]>> Kept = [];

    /// <summary>An array of exactly <paramref name="size"/> bytes (contents undefined).</summary>
    public static byte[] Rent(int size)
    {
        lock (Kept)
        {
            for (var i = Kept.Count - 1; i >= 0; i--)
            {
                if (!Kept[i].TryGetTarget(out var buffer))
                {
                    Kept.RemoveAt(i);
                }
                else if (buffer.Length == size)
                {
                    Kept.RemoveAt(i);
                    return buffer;
                }
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>Gives a buffer back; nothing may use it afterwards.</summary>
    public static void Return(byte[] buffer)
    {
        lock (Kept)
        {
            Kept.RemoveAll(w => !w.TryGetTarget(out _));
            if (Kept.Count < MaxKept)
            {
                Kept.Add(new WeakReference<byte[]>(buffer));
            }
        }
    }

    /// <summary>How many buffers are kept and still alive (for tests).</summary>
    internal static int CountAlive()
    {
        lock (Kept)
        {
            return Kept.Count(w => w.TryGetTarget(out _));
        }
    }
}
