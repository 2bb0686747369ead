using System.Runtime.CompilerServices;
using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.Tests.Infrastructure.ObjectStorage;

// Each test uses its own buffer size: the pool is process-wide. It also keeps at most four arrays
// of any size, so each test starts after a full collection has taken what earlier tests left
// (only weakly held), or a leftover would take one of the four places.
public sealed class PartBuffersTests
{
    public PartBuffersTests() => CollectEverything();

    private static void CollectEverything()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    [Fact]
    public void Rent_AfterReturn_GivesTheSameArrayBack()
    {
        var first = PartBuffers.Rent(70_001);
        PartBuffers.Return(first);

        var second = PartBuffers.Rent(70_001);

        Assert.Same(first, second);
        Assert.Equal(70_001, second.Length);
    }

    [Fact]
    public void Rent_OtherSize_NeverGivesAKeptArrayOfAnotherLength()
    {
        PartBuffers.Return(PartBuffers.Rent(70_002));

        var other = PartBuffers.Rent(70_003);

        Assert.Equal(70_003, other.Length);
    }

    [Fact]
    public void Rent_TwoAtOnce_GivesTwoDifferentArrays()
    {
        PartBuffers.Return(PartBuffers.Rent(70_004));

        var a = PartBuffers.Rent(70_004);
        var b = PartBuffers.Rent(70_004);

        Assert.NotSame(a, b);
    }

    [Fact]
    public void Kept_AfterAFullCollection_AreGivenBackToTheRuntime()
    {
        ReturnSome(70_005, 3);
        Assert.Equal(1, PartBuffers.CountAlive());

        CollectEverything();

        var fresh = PartBuffers.Rent(70_005);
        Assert.Equal(70_005, fresh.Length);
        Assert.DoesNotContain(fresh, Survivors);
    }

    [Fact]
    public void Return_ManyAtOnce_KeepsAtMostFour()
    {
        var held = Enumerable.Range(0, 6).Select(_ => PartBuffers.Rent(70_006)).ToList();
        foreach (var buffer in held)
        {
            PartBuffers.Return(buffer);
        }

        var again = Enumerable.Range(0, 6).Select(_ => PartBuffers.Rent(70_006)).ToList();

        Assert.Equal(4, again.Count(a => held.Any(h => ReferenceEquals(h, a))));
        GC.KeepAlive(held);
    }

    private static readonly List<WeakReference<byte[]>> SurvivorRefs = [];

    private static IEnumerable<byte[]> Survivors
        => SurvivorRefs.Select(w => w.TryGetTarget(out var b) ? b : null).OfType<byte[]>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReturnSome(int size, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var buffer = PartBuffers.Rent(size);
            SurvivorRefs.Add(new WeakReference<byte[]>(buffer));
            PartBuffers.Return(buffer);
        }
    }
}
