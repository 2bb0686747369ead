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
        Assert.Equal(new MaintenanceFields("2 hours", "20261125T1315", "Wednesday, November 25 at 13:15 GMT", "help@example.org"), fields);
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
    [InlineData("2026-11-25T13:07:30Z", "20261125T1315")]
    [InlineData("2026-11-25T23:53:00Z", "20261126T0000")]
    public void RoundToQuarterHour_Time_RoundsToNearestQuarter(string now, string expected)
    {
        var rounded = MaintenanceFields.RoundToQuarterHour(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, MaintenanceFields.ToDateIso(rounded));
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
