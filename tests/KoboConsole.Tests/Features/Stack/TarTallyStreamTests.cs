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

    [Theory]
    [InlineData(TarEntryFormat.V7)]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    public async Task CountAsync_EachTarFormat_AgreesWithSystemFormatsTar(TarEntryFormat format)
    {
        // The tally is hand-written because it counts on the write side of a backup (decision 0030):
        // it must count what the library reads, in every format Docker's archive API may send.
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, format, leaveOpen: true))
        {
            var longName = format is TarEntryFormat.V7 or TarEntryFormat.Ustar ? "b.bin" : new string('y', 120) + "/b.bin";
            await writer.WriteEntryAsync(Entry(format, TarEntryType.Directory, "media/", 0));
            await writer.WriteEntryAsync(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, "media/a.txt", 512));
            await writer.WriteEntryAsync(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, "media/" + longName, 70_001));
            await writer.WriteEntryAsync(Entry(format, TarEntryType.SymbolicLink, "media/link", 0));
        }

        tar.Position = 0;
        var (files, bytes) = await TarTallyStream.CountAsync(new OneByteChunks(tar), CancellationToken.None);

        tar.Position = 0;
        var (libraryFiles, libraryBytes) = (0L, 0L);
        await using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    (libraryFiles, libraryBytes) = (libraryFiles + 1, libraryBytes + entry.Length);
                }
            }
        }

        Assert.Equal((2L, 70_513L), (libraryFiles, libraryBytes));
        Assert.Equal((libraryFiles, libraryBytes), (files, bytes));
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

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name, int size)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.V7 => new V7TarEntry(type, name),
            TarEntryFormat.Ustar => new UstarTarEntry(type, name),
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            _ => new PaxTarEntry(type, name),
        };
        if (type is TarEntryType.SymbolicLink)
        {
            entry.LinkName = "a.txt";
        }
        else if (type is not TarEntryType.Directory)
        {
            entry.DataStream = new MemoryStream(new byte[size]);
        }

        return entry;
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
