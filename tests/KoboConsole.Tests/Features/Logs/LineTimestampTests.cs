using System.Globalization;
using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LineTimestampTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    [Fact]
    public void Parse_NginxAccessLog_UsesTheBracketedTimeAndItsOffset() => Assert.Equal(At("2026-11-25T09:00:07Z"),
        LineTimestamp.Parse("172.18.0.1 - - [25/Nov/2026:10:00:07 +0100] \"GET / HTTP/1.1\" 200 157 \"-\" \"curl\""));

    [Fact]
    public void Parse_NginxErrorLog_ReadsSlashDateAsUtc() => Assert.Equal(At("2026-11-25T10:00:07Z"),
        LineTimestamp.Parse("2026/11/25 10:00:07 [error] 7#7: *1 connect() failed (111: Connection refused)"));

    [Fact]
    public void Parse_UwsgiRequestLine_ReadsTheBracketedCTime() => Assert.Equal(At("2026-11-05T10:00:07Z"),
        LineTimestamp.Parse("[pid: 12|app: 0|req: 1/1] 172.18.0.5 () {40 vars in 600 bytes} [Thu Nov  5 10:00:07 2026] GET / => generated 10 bytes in 3 msecs"));

    [Fact]
    public void Parse_UwsgiStartupLine_ReadsTheBracketedCTime() => Assert.Equal(At("2026-11-25T10:00:07Z"),
        LineTimestamp.Parse("*** Starting uWSGI 2.0.21 (64bit) on [Wed Nov 25 10:00:07 2026] ***"));

    [Theory]
    [InlineData("1:M 25 Nov 2026 10:00:07.123 * Ready to accept connections", "2026-11-25T10:00:07.123Z")]
    [InlineData("7:C 5 Nov 2026 10:00:07.000 # oO0OoO0OoO0Oo Redis is starting", "2026-11-05T10:00:07Z")]
    [InlineData("[1] 25 Nov 10:00:07 * old redis 2 format has no year", null)]
    public void Parse_RedisLog_ReadsDayMonthYear(string line, string? expected) =>
        Assert.Equal(expected is null ? null : At(expected), LineTimestamp.Parse(line));

    [Fact]
    public void Parse_CeleryLog_ReadsCommaMilliseconds() => Assert.Equal(At("2026-11-25T10:00:07.123Z"),
        LineTimestamp.Parse("[2026-11-25 10:00:07,123: INFO/MainProcess] Task kpi.tasks.sync succeeded in 0.1s"));

    [Theory]
    [InlineData("2026-11-25 10:00:07.123 UTC [42] LOG:  checkpoint starting: time", "2026-11-25T10:00:07.123Z")]
    [InlineData("2026-11-25 10:00:07 GMT [42] ERROR:  relation \"x\" does not exist", "2026-11-25T10:00:07Z")]
    [InlineData("2026-11-25 11:00:07.5+01 [42] LOG:  numeric zone", "2026-11-25T10:00:07.5Z")]
    [InlineData("2026-11-25 10:00:07.123 CET [42] LOG:  an abbreviation we cannot place", null)]
    public void Parse_PostgresLog_HonoursTheZone(string line, string? expected) =>
        Assert.Equal(expected is null ? null : At(expected), LineTimestamp.Parse(line));

    [Theory]
    [InlineData("2026-11-25T10:00:07.123456789Z level=info msg=x", "2026-11-25T10:00:07.1234567Z")]
    [InlineData("2026-11-25T12:00:07+02:00 started", "2026-11-25T10:00:07Z")]
    public void Parse_Iso8601AtLineStart_Reads(string line, string expected) => Assert.Equal(At(expected), LineTimestamp.Parse(line));

    [Theory]
    [InlineData("just a line without any time in it")]
    [InlineData("short")]
    [InlineData("GET /api/v2/assets/2026-11-25 10:00:07 is not at the start")]
    [InlineData("2026-13-45 99:99:99 impossible date")]
    public void Parse_UnknownOrImpossible_Null(string line) => Assert.Null(LineTimestamp.Parse(line));
}
