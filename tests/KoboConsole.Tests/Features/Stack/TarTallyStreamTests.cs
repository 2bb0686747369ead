using System.Formats.Tar;
using KoboConsole.Web.Features.Stack;

namespace KoboConsole.Tests.Features.Stack;

public sealed class TarTallyStreamTests
{
    [Fact]
    public async Task CountAsync_DirectoriesFilesAndLongNames_CountsRegularFilesAndTheirBytes()
    {
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "media/"));
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "media/a.txt") { DataStream = new MemoryStream(new byte[700]) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "media/" + new string('x', 150) + "/b.bin") { DataStream = new MemoryStream(new byte[1025]) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "media/link") { LinkName = "a.txt" });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "media/empty") { DataStream = new MemoryStream() });
        }

        tar.Position = 0;
        var (files, bytes) = await TarTallyStream.CountAsync(new OneByteChunks(tar), CancellationToken.None);

        Assert.Equal(3, files);
        Assert.Equal(1725, bytes);
    }

    [Fact]
    public async Task Write_PassesEveryByteThrough()
    {
        using var inner = new MemoryStream();
        await using var tally = new TarTallyStream(inner);
        var data = new byte[1536];
        data[0] = 1;

        await tally.WriteAsync(data);

        Assert.Equal(data, inner.ToArray());
    }

    /// <summary>Reads at most 7 bytes at a time, so headers arrive split across writes.</summary>
    private sealed class OneByteChunks(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
