using System.Text;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.IntegrationTests.Docker;

/// <summary>The line assembly on its own, with chunk boundaries the daemon rarely produces on demand.</summary>
public sealed class LogLineAssemblerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Append_ChunksSplitAnywhere_YieldsWholeLines(int chunkSize)
    {
        var bytes = Encoding.UTF8.GetBytes("2026-11-25T12:00:00.123456789Z first line\r\n2026-11-25T12:00:01.5Z zweite Zeile: ä€\n2026-11-25T12:00:02Z last");
        var assembler = new LogLineAssembler(LogSource.Stdout, timestamps: true);
        var lines = new List<LogLine>();

        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            assembler.Append(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)), lines);
        }

        lines.Add(assembler.Flush()!);
        Assert.Equal(["first line", "zweite Zeile: ä€", "last"], lines.Select(l => l.Text));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), lines[0].Timestamp);
    }
}
