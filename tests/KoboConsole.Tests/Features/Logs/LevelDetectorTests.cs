using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LevelDetectorTests
{
    [Theory]
    [InlineData("{\"level\":\"warning\",\"msg\":\"x\"}", "warn")]
    [InlineData("{\"t\":{\"$date\":\"2026\"},\"s\":\"E\",\"c\":\"NETWORK\"}", "error")]
    [InlineData("[2026-11-25 10:00:00,123: ERROR/MainProcess] Task failed", "error")]
    [InlineData("[2026-11-25 10:00:00,123: INFO/ForkPoolWorker-1] Task succeeded", "info")]
    [InlineData("WARNING 2026-11-25 10:00:00,000 django.request Not Found: /x", "warn")]
    [InlineData("2026-11-25 10:00:00.000 UTC [42] ERROR:  relation \"x\" does not exist", "error")]
    [InlineData("2026-11-25 10:00:00.000 UTC [42] LOG:  checkpoint starting", "info")]
    [InlineData("2026-11-25 10:00:00.000 UTC [42] FATAL:  password authentication failed", "error")]
    [InlineData("1:M 25 Nov 2026 10:00:00.000 # WARNING overcommit_memory is set to 0", "warn")]
    [InlineData("1:M 25 Nov 2026 10:00:00.000 * Ready to accept connections", "info")]
    [InlineData("2026/11/25 10:00:00 [error] 7#7: *1 connect() failed", "error")]
    [InlineData("172.18.0.1 - - [25/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl\"", "error")]
    [InlineData("172.18.0.1 - - [25/Nov/2026:10:00:00 +0000] \"GET /x HTTP/1.1\" 404 157 \"-\" \"curl\"", "warn")]
    [InlineData("172.18.0.1 - - [25/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 157 \"-\" \"curl\"", "info")]
    [InlineData("[pid: 12|app: 0|req: 1/1] 172.18.0.5 () {40 vars} [Wed Nov 25 10:00:00 2026] GET / => generated 10 bytes", null)]
    [InlineData("\u001b[33mWARNING\u001b[0m retrying", "warn")]
    [InlineData("just a line", null)]
    public void Detect_CommonFormats_GivesLevel(string line, string? expected) => Assert.Equal(expected, LevelDetector.Detect(line));
}
