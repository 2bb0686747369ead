using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class SecretMaskTests
{
    private const string M = SecretMask.Mask;

    [Theory]
    [InlineData("POSTGRES_PASSWORD=hunter2-secret", "POSTGRES_PASSWORD=" + M)]
    [InlineData("DJANGO_SECRET_KEY=abc", "DJANGO_SECRET_KEY=" + M)]
    [InlineData("AWS_ACCESS_KEY_ID=AKIA123", "AWS_ACCESS_KEY_ID=" + M)]
    [InlineData("GITHUB_TOKEN=ghp_1", "GITHUB_TOKEN=" + M)]
    [InlineData("DATABASE_URL=postgis://kobo:s3cr3t@postgres.kobo.private:5432/koboform", "DATABASE_URL=postgis://kobo:" + M + "@postgres.kobo.private:5432/koboform")]
    [InlineData("REDIS_SESSION_URL=redis://:pw@redis-cache.kobo.private:6380/2", "REDIS_SESSION_URL=redis://:" + M + "@redis-cache.kobo.private:6380/2")]
    [InlineData("PUBLIC_DOMAIN_NAME=kobo.test", "PUBLIC_DOMAIN_NAME=kobo.test")]
    [InlineData("KPI_URL=http://kf.kobo.test/", "KPI_URL=http://kf.kobo.test/")]
    public void MaskEnvEntry_Entry_HidesSecretsOnly(string entry, string expected) =>
        Assert.Equal(expected, SecretMask.MaskEnvEntry(entry));

    [Theory]
    // URL credentials, any scheme
    [InlineData("connecting to postgres://kobo:s3cr3t@postgres:5432/kobotoolbox", "connecting to postgres://kobo:" + M + "@postgres:5432/kobotoolbox")]
    [InlineData("broker redis://:pw@redis-main:6379/1 ok", "broker redis://:" + M + "@redis-main:6379/1 ok")]
    [InlineData("amqp://u:p@rabbit/vhost", "amqp://u:" + M + "@rabbit/vhost")]
    [InlineData("mongodb+srv://root:Pa$$w0rd@mongo.kobo:27017/formhub?authSource=admin", "mongodb+srv://root:" + M + "@mongo.kobo:27017/formhub?authSource=admin")]
    [InlineData("two: http://a:x@h1/ https://b:y@h2/", "two: http://a:" + M + "@h1/ https://b:" + M + "@h2/")]
    // key=value and key: value, any case, key kept
    [InlineData("password=hunter2 user=kobo", "password=" + M + " user=kobo")]
    [InlineData("PASSWORD: hunter2", "PASSWORD: " + M)]
    [InlineData("Password = hunter2", "Password = " + M)]
    [InlineData("db passwd=abc;host=x", "db passwd=" + M + ";host=x")]
    [InlineData("Server=pg;Pwd=abc;Database=kpi", "Server=pg;Pwd=" + M + ";Database=kpi")]
    [InlineData("client_secret=xyz&grant_type=client_credentials", "client_secret=" + M + "&grant_type=client_credentials")]
    [InlineData("GET /api/v2/assets/?token=abc123&format=json HTTP/1.1", "GET /api/v2/assets/?token=" + M + "&format=json HTTP/1.1")]
    [InlineData("access_token=eyJhbGciOi.x.y", "access_token=" + M)]
    [InlineData("api_key=k1 apikey=k2 API-KEY: k3 X-Api-Key: k4", "api_key=" + M + " apikey=" + M + " API-KEY: " + M + " X-Api-Key: " + M)]
    [InlineData("DJANGO_SECRET_KEY=abc", "DJANGO_SECRET_KEY=" + M)]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalr", "AWS_SECRET_ACCESS_KEY=" + M)]
    // JSON and quoted forms
    [InlineData("{\"user\":\"kobo\",\"password\":\"hunter 2\",\"ok\":true}", "{\"user\":\"kobo\",\"password\":\"" + M + "\",\"ok\":true}")]
    [InlineData("{\"Token\": \"t0k\"}", "{\"Token\": \"" + M + "\"}")]
    [InlineData("secret='a b c' next", "secret='" + M + "' next")]
    [InlineData("ALTER ROLE kobo WITH PASSWORD 'hunter2';", "ALTER ROLE kobo WITH PASSWORD '" + M + "';")]
    // Authorization headers keep their scheme
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer " + M)]
    [InlineData("authorization: Basic a29ibzpodW50ZXIy", "authorization: Basic " + M)]
    [InlineData("Proxy-Authorization: Token 0123abcd", "Proxy-Authorization: Token " + M)]
    [InlineData("headers={'Authorization': 'Bearer xyz'}", "headers={'Authorization': '" + M + "'}")]
    public void Text_Secret_MasksValueKeepsKey(string line, string expected) =>
        Assert.Equal(expected, SecretMask.Text(line));

    [Theory]
    [InlineData("")]
    [InlineData("2026-12-07 06:00:00 UTC [1] LOG:  database system is ready to accept connections")]
    [InlineData("FATAL:  password authentication failed for user \"kobo\"")]
    [InlineData("10.0.0.1 - - [07/Dec/2026:06:00:00 +0000] \"GET /api/v2/assets/ HTTP/1.1\" 200 512 \"-\" \"curl/8.0\"")]
    [InlineData("see http://kf.kobo.test:8080/path?email=a@b.org for details")]
    [InlineData("https://kf.kobo.test/accounts/password/reset/ 302")]
    [InlineData("Passwords changed: 3, tokens issued: 5")]
    [InlineData("primary key constraint violated on table logger_instance")]
    [InlineData("worker pid=42 cwd=/srv/src ready")]
    [InlineData("user=kobo host=postgres port=5432 passwordless=true")]
    public void Text_OrdinaryLine_Unchanged(string line) =>
        Assert.Same(line, SecretMask.Text(line));

    [Fact]
    public void Text_AlreadyMasked_Unchanged()
    {
        var once = SecretMask.Text("password=x postgres://a:b@h/ Authorization: Bearer t");
        Assert.Equal(once, SecretMask.Text(once));
    }

    [Fact]
    public void Text_LogItem_MasksWhereLinesAreMade()
    {
        var item = new LogItem("id", "kpi", DateTimeOffset.UnixEpoch, "stdout", "DATABASE_URL=postgres://kobo:pw@pg/kpi token=abc", null);

        Assert.Equal("DATABASE_URL=postgres://kobo:" + M + "@pg/kpi token=" + M, item.Text);
    }

    [Fact]
    public void Text_OrdinaryLines_AllocateNothing()
    {
        // The log path is hot (docs/benchmarks.md): a line without a candidate word costs one
        // vectorised search and no allocation. A timing assertion would be flaky on a shared machine.
        const string line = "2026-12-07T06:00:00.123456789Z [pid: 17|app: 0|req: 42/99] 10.0.0.1 () {40 vars in 612 bytes} GET /api/v2/assets/ => generated 512 bytes in 12 msecs (HTTP/1.1 200)";
        SecretMask.Text(line);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            SecretMask.Text(line);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
