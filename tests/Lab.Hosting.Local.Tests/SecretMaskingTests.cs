// Environment the control API serves: secret-looking names and credential-bearing values are masked at the AppHost.
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local.Control;

namespace Lab.Hosting.Local.Tests;

public sealed class SecretMaskingTests
{
    [Fact]
    public void Secrets_are_masked_and_plain_values_are_kept()
    {
        var env = SecretMasking.Mask(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:5000",
            ["Parameters__costapi_key"] = "s3cret",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=k",
            ["REDIS_URL"] = "redis://user:pw@127.0.0.1:6379",
            ["DB"] = "Host=db;Password=pw",
            ["LAB_TOKEN"] = "t",
            ["ConnectionStrings__redis"] = "127.0.0.1:6379",
            ["OTEL_SERVICE_NAME"] = "costapi",
        });

        Assert.Equal("http://127.0.0.1:5000", env["ASPNETCORE_URLS"]);
        Assert.All(new[] { "Parameters__costapi_key", "OTEL_EXPORTER_OTLP_HEADERS", "REDIS_URL", "DB", "LAB_TOKEN", "ConnectionStrings__redis" },
            name => Assert.Equal(ResourceInstanceView.MaskedValue, env[name]));
        Assert.Equal("costapi", env["OTEL_SERVICE_NAME"]);
    }
}
