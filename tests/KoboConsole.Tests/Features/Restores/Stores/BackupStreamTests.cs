using System.Security.Cryptography;
using KoboConsole.Web.Features.Restores.Stores;

namespace KoboConsole.Tests.Features.Restores.Stores;

public sealed class BackupStreamTests
{
    private static readonly byte[] Data = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31)).ToArray();

    [Fact]
    public async Task EnsureIntact_WholeStreamRead_MatchesSizeAndHash()
    {
        await using var stream = new BackupStream(new MemoryStream(Data), "x");
        await stream.CopyToAsync(Stream.Null);

        stream.EnsureIntact(Data.Length, Convert.ToHexStringLower(SHA256.HashData(Data)));

        Assert.Equal(Data.Length, stream.BytesRead);
    }

    [Fact]
    public async Task EnsureIntact_OtherHash_ThrowsSayingTheFileChanged()
    {
        await using var stream = new BackupStream(new MemoryStream(Data), "x");
        await stream.DrainAsync(CancellationToken.None);

        var ex = Assert.Throws<RestoreStepException>(() => stream.EnsureIntact(Data.Length, new string('0', 64)));

        Assert.Contains("changed after the pre-flight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureIntact_StoppedBeforeTheEnd_ThrowsNotFullyConsumed()
    {
        await using var stream = new BackupStream(new MemoryStream(Data), "x");
        var buffer = new byte[1000];
        await stream.ReadExactlyAsync(buffer);

        var ex = Assert.Throws<RestoreStepException>(() => stream.EnsureIntact(null, null));

        Assert.Contains("not fully consumed", ex.Message, StringComparison.Ordinal);
    }
}
