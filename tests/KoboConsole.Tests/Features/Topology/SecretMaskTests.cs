using KoboConsole.Web.Features.Topology;

namespace KoboConsole.Tests.Features.Topology;

public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("POSTGRES_PASSWORD=hunter2-secret", "POSTGRES_PASSWORD=" + SecretMask.Mask)]
    [InlineData("DJANGO_SECRET_KEY=abc", "DJANGO_SECRET_KEY=" + SecretMask.Mask)]
    [InlineData("AWS_ACCESS_KEY_ID=AKIA123", "AWS_ACCESS_KEY_ID=" + SecretMask.Mask)]
    [InlineData("GITHUB_TOKEN=ghp_1", "GITHUB_TOKEN=" + SecretMask.Mask)]
    [InlineData("DATABASE_URL=postgis://kobo:s3cr3t@postgres.kobo.private:5432/koboform", "DATABASE_URL=postgis://kobo:" + SecretMask.Mask + "@postgres.kobo.private:5432/koboform")]
    [InlineData("REDIS_SESSION_URL=redis://:pw@redis-cache.kobo.private:6380/2", "REDIS_SESSION_URL=redis://:" + SecretMask.Mask + "@redis-cache.kobo.private:6380/2")]
    [InlineData("PUBLIC_DOMAIN_NAME=kobo.test", "PUBLIC_DOMAIN_NAME=kobo.test")]
    [InlineData("KPI_URL=http://kf.kobo.test/", "KPI_URL=http://kf.kobo.test/")]
    public void MaskEnvEntry_Entry_HidesSecretsOnly(string entry, string expected) =>
        Assert.Equal(expected, SecretMask.MaskEnvEntry(entry));
}
