using KoboConsole.Web.Features.Maintenance;

namespace KoboConsole.Tests.Features.Maintenance;

public sealed class MaintenanceValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 13, 8, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_ScriptInEta_IsRejected()
    {
        var (fields, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(Eta: "<script>alert(1)</script>"), Now, null);

        Assert.Null(fields);
        Assert.Contains("letters, digits", Assert.Single(errors["eta"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2 hours")]
    [InlineData("about 90 minutes, maybe less")]
    [InlineData("1-2 days (we'll e-mail you!)")]
    [InlineData("deux heures à peu près")]
    public void Validate_SimpleEta_IsAccepted(string eta)
    {
        var (fields, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(Eta: eta), Now, null);

        Assert.Empty(errors);
        Assert.Equal(eta, fields!.Eta);
    }

    [Fact]
    public void Validate_EtaOver64Characters_IsRejected()
    {
        var (_, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(Eta: new string('a', 65)), Now, null);

        Assert.True(errors.ContainsKey("eta"));
    }

    [Fact]
    public void Validate_NothingGiven_TakesKoboDefaults()
    {
        var (fields, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(), Now, "help@example.org");

        Assert.Empty(errors);
        Assert.Equal(new MaintenanceFields("2 hours", "20261125T1300", "Wednesday, November 25 at 13:00 GMT", "help@example.org"), fields);
    }

    [Fact]
    public void Validate_DateIsoGiven_DerivesDateStrLikeKobo()
    {
        var (fields, _) = MaintenanceValidation.Validate(new MaintenanceRequest(DateIso: "20261126T0200"), Now, null);

        Assert.Equal("Thursday, November 26 at 02:00 GMT", fields!.DateStr);
    }

    [Theory]
    [InlineData("tomorrow", "dateIso")]
    [InlineData("20261332T0200", "dateIso")]
    public void Validate_BadDateIso_NamesTheField(string dateIso, string field)
    {
        var (_, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(DateIso: dateIso), Now, null);

        Assert.True(errors.ContainsKey(field));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("a@b")]
    [InlineData("x@example.org\"><img src=x>")]
    [InlineData("{{LINKS}}${x}@example.org")]
    [InlineData("${EMAIL}@example.org")]
    [InlineData("a{b}@example.org")]
    [InlineData(".a@example.org")]
    [InlineData("a..b@example.org")]
    public void Validate_BadEmail_IsRejected(string email)
    {
        var (_, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(Email: email), Now, null);

        Assert.True(errors.ContainsKey("email"));
    }

    [Theory]
    [InlineData("support@example.org")]
    [InlineData("first.last+kobo@mail.example.co.uk")]
    [InlineData("it_help-desk%1@kobo-test.org")]
    public void Validate_PlainEmail_IsAccepted(string email)
    {
        var (fields, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(Email: email), Now, null);

        Assert.Empty(errors);
        Assert.Equal(email, fields!.Email);
    }

    [Fact]
    public void Validate_MarkupInDateStr_IsRejected()
    {
        var (_, errors) = MaintenanceValidation.Validate(new MaintenanceRequest(DateStr: "Monday <b>now</b>"), Now, null);

        Assert.True(errors.ContainsKey("dateStr"));
    }

    [Theory]
    [InlineData("2026-11-25T13:07:29Z", "20261125T1300")]
    [InlineData("2026-11-25T05:10:00Z", "20261125T0500")]
    [InlineData("2026-11-25T13:15:00Z", "20261125T1315")]
    [InlineData("2026-11-25T23:59:59Z", "20261125T2345")]
    [InlineData("2026-11-26T01:10:00+02:00", "20261125T2300")]
    public void FloorToQuarterHour_Time_RoundsDownNeverIntoTheFuture(string now, string expected)
    {
        var rounded = MaintenanceFields.FloorToQuarterHour(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, MaintenanceFields.ToDateIso(rounded));
    }

    [Fact]
    public void ForPreview_InvalidEtaTyped_PreviewKeepsTheLastValidEtaAndTheFieldSaysWhy()
    {
        var typed = new MaintenanceFields("45 minutes", "20261125T1400", "Wednesday at two", "ops@example.org");
        var (shown, errors) = MaintenanceValidation.ForPreview(typed, null, Now);
        Assert.Equal(typed, shown);
        Assert.Empty(errors);

        var (next, nextErrors) = MaintenanceValidation.ForPreview(typed with { Eta = "45 minutes <b>" }, shown, Now);

        Assert.Equal("45 minutes", next.Eta);
        Assert.Equal(typed, next);
        Assert.True(nextErrors.ContainsKey("eta"));
        Assert.DoesNotContain("<b>", MaintenancePage.Render("{{ETA}}", next, new PublicSite(null)), StringComparison.Ordinal);
    }

    [Fact]
    public void ForPreview_InvalidEtaFirstThingTyped_ShowsKobosDefaultNotTheTypedText()
    {
        var (shown, errors) = MaintenanceValidation.ForPreview(new MaintenanceFields("{{LINKS}} soon", "20261125T1400", "", "ops@example.org"), null, Now);

        Assert.Equal(MaintenanceFields.DefaultEta, shown.Eta);
        Assert.Equal("ops@example.org", shown.Email);
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("2 hours", 7200)]
    [InlineData("90 minutes", 5400)]
    [InlineData("1 day", 86400)]
    [InlineData("1 hour 30 min", 5400)]
    [InlineData("until we are done", 3600)]
    public void RetryAfterSeconds_Eta_ParsesDurations(string eta, int expected) =>
        Assert.Equal(expected, MaintenanceFields.RetryAfterSeconds(eta));

    [Theory]
    [InlineData(35, "1 minute")]
    [InlineData(45 * 60, "45 minutes")]
    [InlineData(2 * 3600, "2 hours")]
    [InlineData(150 * 60, "2.5 hours")]
    public void EtaOf_WindowLength_ReadsLikeAPerson(int seconds, string expected) =>
        Assert.Equal(expected, MaintenanceWindows.EtaOf(TimeSpan.FromSeconds(seconds)));
}
