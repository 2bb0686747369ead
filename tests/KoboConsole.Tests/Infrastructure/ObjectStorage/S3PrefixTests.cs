using KoboConsole.Web.Infrastructure.Configuration;
using KoboConsole.Web.Infrastructure.ObjectStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Infrastructure.ObjectStorage;

/// <summary>Console S3 keys stay out of the folders kobo's S3 scripts prune by age (postgres/, mongo/, redis/).</summary>
public sealed class S3PrefixTests
{
    [Fact]
    public void EffectivePrefix_Unset_IsKoboconsole()
    {
        var options = Bind(new() { ["KoboConsole:Backups:S3:Bucket"] = "b" });

        Assert.Equal("koboconsole/", options.EffectivePrefix);
    }

    [Theory]
    [InlineData("site-a", "site-a/")]
    [InlineData("/backups/console/", "backups/console/")]
    [InlineData("postgresql", "postgresql/")]
    public void EffectivePrefix_Configured_IsTrimmedWithOneSlash(string prefix, string expected)
    {
        var options = Bind(new() { ["KoboConsole:Backups:S3:Bucket"] = "b", ["KoboConsole:Backups:S3:Prefix"] = prefix });

        Assert.Equal(expected, options.EffectivePrefix);
    }

    [Theory]
    [InlineData("", "an empty prefix")]
    [InlineData("/", "an empty prefix")]
    [InlineData("postgres", "under postgres/")]
    [InlineData("mongo/console", "under mongo/")]
    [InlineData("redis/", "under redis/")]
    public void Validate_PrefixInKobosPrunedFolders_RefusedNamingTheKey(string prefix, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            Bind(new() { ["KoboConsole:Backups:S3:Bucket"] = "b", ["KoboConsole:Backups:S3:Prefix"] = prefix }));

        Assert.Contains("KoboConsole:Backups:S3:Prefix", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("delete objects by age", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoBucket_PrefixNotChecked()
    {
        var options = Bind(new() { ["KoboConsole:Backups:S3:Prefix"] = "" });

        Assert.Null(options.Bucket);
    }

    private static S3Options Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddValidatedOptions<S3Options>(S3Options.Section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<S3Options>>().Value;
    }
}
