using System.Text.Json.Nodes;

namespace KoboConsole.IntegrationTests.Security;

/// <summary>
/// The bad-input table: for every request body field of every mutating endpoint a wrong type, a
/// 1 MB string and HTML/script; an unknown field per endpoint; path traversal in every id or name
/// taken from the URL; invalid cron-like and past dates where the API takes dates; patterns that
/// are not regexes. Each case names the field its problem must name.
/// </summary>
internal static class BadInputCases
{
    public const string Huge = "huge";
    public const string Traversal = "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd";
    public const string Script = "<script>alert(1)</script>";

    /// <summary>Stands for the id of the schedule the fixture made (PUT aims at a real one).</summary>
    public const string ScheduleId = "{schedule}";

    public static readonly string OneMegabyte = new('a', 1 << 20);

    private const string ScheduleBody = """{"stores":["postgres"],"target":"disk","cron":"0 2 * * *","timeZone":"UTC"}""";

    private static readonly Field[] ScheduleFields = [new("stores", Kind.List), new("target", Kind.Text), new("cron", Kind.Text), new("timeZone", Kind.Text)];

    private static readonly Endpoint[] Endpoints =
    [
        new("POST", "/api/v1/tokens", """{"username":"admin","password":"wrong-but-long","name":"t"}""",
            [new("username", Kind.Text), new("password", Kind.Secret), new("name", Kind.Text)]),
        new("POST", "/api/v1/users", """{"username":"newcomer","password":"password-of-newcomer","role":"viewer"}""",
            [new("username", Kind.Text), new("password", Kind.Secret), new("role", Kind.Text)]),
        new("PUT", "/api/v1/users/target", """{"role":"operator"}""",
            [new("role", Kind.Text), new("password", Kind.Secret), new("enabled", Kind.Bool)]),
        new("POST", "/api/v1/maintenance/enable", "{}",
            [new("eta", Kind.Text), new("dateIso", Kind.Text), new("dateStr", Kind.Text), new("email", Kind.Text)]),
        new("POST", "/api/v1/maintenance/windows", """{"start":"2099-01-01T02:00:00Z","end":"2099-01-01T04:00:00Z"}""",
            [new("start", Kind.Date), new("end", Kind.Date), new("eta", Kind.Text), new("email", Kind.Text)]),
        new("POST", "/api/v1/backups", """{"stores":["postgres"],"target":"disk"}""",
            [new("stores", Kind.List), new("target", Kind.Text)]),
        new("POST", "/api/v1/backups/schedules", ScheduleBody, ScheduleFields),
        new("PUT", $"/api/v1/backups/schedules/{ScheduleId}", ScheduleBody, ScheduleFields),
        new("POST", "/api/v1/drills", """{"stores":["postgres"]}""",
            [new("stores", Kind.List)]),
        new("POST", "/api/v1/restores/preflight", """{"backupIds":["0123456789abcdef0123"]}""",
            [new("backupIds", Kind.List)]),
        new("POST", "/api/v1/upgrades/postgres/preflight", """{"targetImage":"kobo-testbed/postgres17:latest","method":"dump"}""",
            [new("targetImage", Kind.Text), new("method", Kind.Text), new("skipBackupReason", Kind.Text)]),
        new("POST", "/api/v1/upgrades/postgres", """{"targetImage":"kobo-testbed/postgres17:latest","method":"dump","confirm":"kobo.test"}""",
            [new("targetImage", Kind.Text), new("method", Kind.Text), new("skipBackupReason", Kind.Text), new("confirm", Kind.Text)]),
        new("POST", "/api/v1/upgrades/mongo/plan", """{"target":"5.0"}""",
            [new("target", Kind.Text)]),
    ];

    // Route values: each with a traversal in place of the id or name.
    private static readonly (string Method, string Path, string Field)[] Routes =
    [
        ("PUT", "/api/v1/users/{x}", "username"),
        ("DELETE", "/api/v1/users/{x}", "username"),
        ("DELETE", "/api/v1/tokens/{x}", "name"),
        ("POST", "/api/v1/alerts/channels/{x}/test", "name"),
        ("PUT", "/api/v1/alerts/channels/{x}", "name"),
        ("DELETE", "/api/v1/alerts/channels/{x}", "name"),
        ("POST", "/api/v1/containers/{x}/restart", "id"),
        ("GET", "/api/v1/containers/{x}/logs", "id"),
        ("GET", "/api/v1/containers/{x}/stats", "id"),
        ("GET", "/api/v1/runs/{x}", "runId"),
        ("POST", "/api/v1/runs/{x}/cancel", "runId"),
        ("DELETE", "/api/v1/maintenance/windows/{x}", "id"),
        ("PUT", "/api/v1/backups/schedules/{x}", "id"),
        ("DELETE", "/api/v1/backups/schedules/{x}", "id"),
        ("POST", "/api/v1/backups/kobo-cron/{x}/disable", "store"),
        ("POST", "/api/v1/backups/kobo-cron/{x}/enable", "store"),
        ("POST", "/api/v1/upgrades/postgres/{x}/switch", "upgradeId"),
        ("POST", "/api/v1/upgrades/postgres/{x}/rollback", "upgradeId"),
        ("POST", "/api/v1/upgrades/postgres/{x}/retire", "upgradeId"),
        ("POST", "/api/v1/stack/{x}/start", "part"),
        ("POST", "/api/v1/stack/updates/{x}/recreate", "service"),
    ];

    private static readonly Dictionary<string, Case> All = Build();

    // What a page on another origin can send without a CORS preflight (issue 21): refused on cookie requests.
    private static readonly string[] FormContentTypes = ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"];

    /// <summary>Every mutating endpoint of the table (with its valid body) and the body-less switch, with each form content type.</summary>
    public static IEnumerable<object[]> CookieContentTypeCases =>
        Endpoints.Select(e => (e.Method, e.Path, (string?)e.ValidBody)).Append(("POST", "/api/v1/maintenance/disable", null))
            .SelectMany(e => FormContentTypes.Select(t => new object[] { e.Method, e.Path, e.Item3 ?? "x=1", t }));

    public static IEnumerable<object[]> Names => All.Keys.Order(StringComparer.Ordinal).Select(k => new object[] { k });

    public static Case Get(string name) => All[name];

    private static Dictionary<string, Case> Build()
    {
        var cases = new Dictionary<string, Case>();
        foreach (var e in Endpoints)
        {
            foreach (var f in e.Fields)
            {
                Add(cases, e, f.Name, "wrong type", f.Kind switch
                {
                    Kind.Bool => JsonValue.Create("yes"),
                    Kind.List => JsonValue.Create("postgres"),
                    Kind.Date => JsonValue.Create(true),
                    _ => JsonValue.Create(12345),
                });
                Add(cases, e, f.Name, "1 MB", f.Kind switch
                {
                    Kind.Bool => JsonValue.Create(Huge),
                    Kind.List => new JsonArray(JsonValue.Create(Huge)),
                    _ => JsonValue.Create(Huge),
                });
                if (f.Kind is not (Kind.Secret or Kind.Bool))
                {
                    // A password may contain anything; everything else may not contain markup.
                    Add(cases, e, f.Name, "html", f.Kind == Kind.List ? new JsonArray(JsonValue.Create(Script)) : JsonValue.Create(Script));
                }
            }

            Add(cases, e, "isAdmin", "unknown field", JsonValue.Create(true));
        }

        foreach (var (method, path, field) in Routes)
        {
            var body = path.StartsWith("/api/v1/backups/schedules", StringComparison.Ordinal) ? ScheduleBody
                : path.StartsWith("/api/v1/alerts/channels/", StringComparison.Ordinal) && method is "PUT" ? """{"url":"https://hooks.example.org/x"}"""
                : method is "PUT" ? """{"role":"operator"}""" : method is "POST" or "PATCH" ? "{}" : null;
            cases[$"{method} {path} traversal"] = new Case(method, path.Replace("{x}", Traversal, StringComparison.Ordinal), body, field);
        }

        cases["POST windows start in the past"] = new("POST", "/api/v1/maintenance/windows", """{"start":"2020-01-01T02:00:00Z","end":"2020-01-01T04:00:00Z"}""", "start");
        cases["POST windows end before start"] = new("POST", "/api/v1/maintenance/windows", """{"start":"2099-01-01T04:00:00Z","end":"2099-01-01T02:00:00Z"}""", "end");
        cases["POST windows start not a date"] = new("POST", "/api/v1/maintenance/windows", """{"start":"0 2 * * *","end":"2099-01-01T02:00:00Z"}""", "start");
        cases["POST enable dateIso not a date"] = new("POST", "/api/v1/maintenance/enable", """{"dateIso":"0 2 * * *"}""", "dateIso");
        cases["POST users role unknown"] = new("POST", "/api/v1/users", """{"username":"newcomer","password":"password-of-newcomer","role":"root"}""", "role");
        cases["POST backups store traversal"] = new("POST", "/api/v1/backups", """{"stores":["../../etc"],"target":"disk"}""", "stores");
        cases["POST backups s3 without a bucket"] = new("POST", "/api/v1/backups", """{"stores":["postgres"],"target":"s3"}""", "target");
        cases["POST schedules s3 without a bucket"] = new("POST", SchedulePath("POST"), ScheduleBody.Replace("disk", "s3", StringComparison.Ordinal), "target");
        cases["PUT schedules s3 without a bucket"] = new("PUT", SchedulePath("PUT"), ScheduleBody.Replace("disk", "s3", StringComparison.Ordinal), "target");
        cases["POST enable email with placeholders"] = new("POST", "/api/v1/maintenance/enable", """{"email":"{{LINKS}}${x}@example.org"}""", "email");
        cases["POST windows email with placeholders"] = new("POST", "/api/v1/maintenance/windows", """{"start":"2099-01-01T02:00:00Z","end":"2099-01-01T04:00:00Z","email":"{{LINKS}}${x}@example.org"}""", "email");
        cases["POST preflight duplicate ids"] = new("POST", "/api/v1/restores/preflight", $$"""{"backupIds":[{{string.Join(',', Enumerable.Repeat("\"0123456789abcdef0123\"", 5_000))}}]}""", "backupIds");
        cases["POST backups not json"] = new("POST", "/api/v1/backups", """{"stores":[""", "stores");
        foreach (var (what, cron) in new[] { ("minute 61", "61 * * * *"), ("words", "every day"), ("six fields", "0 0 2 * * *"), ("empty", "") })
        {
            foreach (var method in new[] { "POST", "PUT" })
            {
                cases[$"{method} schedules cron {what}"] = new(method, SchedulePath(method), ScheduleBody.Replace("0 2 * * *", cron, StringComparison.Ordinal), "cron");
            }
        }

        foreach (var (what, zone) in new[] { ("unknown", "Mars/Olympus"), ("traversal", "../../../etc/passwd") })
        {
            cases[$"POST schedules timeZone {what}"] = new("POST", SchedulePath("POST"), ScheduleBody.Replace("\"UTC\"", $"\"{zone}\"", StringComparison.Ordinal), "timeZone");
        }

        cases["PUT schedules store unknown"] = new("PUT", SchedulePath("PUT"), ScheduleBody.Replace("postgres", "mysql", StringComparison.Ordinal), "stores");
        cases["POST schedules stores empty"] = new("POST", SchedulePath("POST"), ScheduleBody.Replace("\"postgres\"", "", StringComparison.Ordinal), "stores");
        cases["POST schedules target unknown"] = new("POST", SchedulePath("POST"), ScheduleBody.Replace("disk", "ftp", StringComparison.Ordinal), "target");
        cases["POST schedules cron missing"] = new("POST", SchedulePath("POST"), """{"stores":["postgres"],"target":"disk"}""", "cron");
        cases["GET logs invalid regex"] = new("GET", "/api/v1/containers/kpi/logs?regex=true&filter=(unclosed", null, "filter");
        cases["GET logs invalid exclude regex"] = new("GET", "/api/v1/containers/kpi/logs?regex=true&exclude=%5B", null, "exclude");
        cases["POST upgrades postgres image with a space"] = new("POST", "/api/v1/upgrades/postgres/preflight", """{"targetImage":"postgres 17"}""", "targetImage");
        cases["POST upgrades postgres method unknown"] = new("POST", "/api/v1/upgrades/postgres/preflight", """{"targetImage":"postgres:17","method":"copy"}""", "method");
        cases["POST upgrades postgres confirm missing"] = new("POST", "/api/v1/upgrades/postgres", """{"targetImage":"postgres:17"}""", "confirm");
        cases["POST upgrades mongo target unknown"] = new("POST", "/api/v1/upgrades/mongo/plan", """{"target":"9.9"}""", "target");
        cases["POST stack action unknown"] = new("POST", "/api/v1/stack/frontend/explode", null, "action");
        cases["GET logs tail negative"] = new("GET", "/api/v1/containers/kpi/logs?tail=-1", null, "tail");
        cases["GET logs tail wrong type"] = new("GET", "/api/v1/containers/kpi/logs?tail=lots", null, "tail");
        cases["GET logs since invalid"] = new("GET", "/api/v1/containers/kpi/logs?since=0%202%20*%20*%20*", null, "since");
        return cases;
    }

    private static string SchedulePath(string method) => method == "PUT" ? $"/api/v1/backups/schedules/{ScheduleId}" : "/api/v1/backups/schedules";

    private static void Add(Dictionary<string, Case> cases, Endpoint e, string field, string what, JsonNode? value)
    {
        var body = JsonNode.Parse(e.ValidBody)!.AsObject();
        body[field] = value;
        cases[$"{e.Method} {e.Path} {field} {what}"] = new Case(e.Method, e.Path, body.ToJsonString(), field);
    }

    internal enum Kind
    {
        Text,
        Secret,
        Bool,
        List,
        Date,
    }

    internal sealed record Field(string Name, Kind Kind);

    internal sealed record Endpoint(string Method, string Path, string ValidBody, Field[] Fields);

    /// <summary>One bad request; <see cref="Huge"/> in the body stands for a 1 MB string.</summary>
    internal sealed record Case(string Method, string Path, string? Body, string Field)
    {
        public string? ExpandedBody => Body?.Replace($"\"{Huge}\"", $"\"{OneMegabyte}\"", StringComparison.Ordinal);
    }
}
