// Environment shown on the resources page: secret-looking names and credential-bearing values are masked.
using System.Text.Json.Nodes;
using Lab.Dashboard.Resources;

namespace Lab.Dashboard.Tests;

public sealed class SecretMaskingTests
{
    [Fact]
    public void Secrets_are_masked_in_both_environment_shapes_and_plain_values_are_kept()
    {
        var asObject = JsonNode.Parse("""
            {"environment":{"ASPNETCORE_URLS":"http://127.0.0.1:5000","Parameters__costapi_key":"s3cret","OTEL_EXPORTER_OTLP_HEADERS":"x-otlp-api-key=k",
             "REDIS_URL":"redis://user:pw@127.0.0.1:6379","DB":"Host=db;Password=pw"}}
            """)!.AsObject();
        var asList = JsonNode.Parse("""{"env":[{"name":"LAB_TOKEN","value":"t"},{"name":"OTEL_SERVICE_NAME","value":"costapi"}]}""")!.AsObject();

        ResourceServiceClient.MaskEnvironment(asObject);
        ResourceServiceClient.MaskEnvironment(asList);

        var env = asObject["environment"]!.AsObject();
        Assert.Equal("http://127.0.0.1:5000", env["ASPNETCORE_URLS"]!.ToString());
        Assert.All(new[] { "Parameters__costapi_key", "OTEL_EXPORTER_OTLP_HEADERS", "REDIS_URL", "DB" },
            name => Assert.Equal(ResourceServiceClient.Masked, env[name]!.ToString()));
        Assert.Equal(ResourceServiceClient.Masked, asList["env"]![0]!["value"]!.ToString());
        Assert.Equal("costapi", asList["env"]![1]!["value"]!.ToString());
    }
}
