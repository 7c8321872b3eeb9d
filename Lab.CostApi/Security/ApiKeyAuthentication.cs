// Bearer-key authentication for writes: the key is the AppHost's secret parameter, configuration Lab:ApiKey.
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Lab.CostApi.Security;

/// <summary>
/// Authorization runs before endpoints bind their bodies, so a caller without the key gets 401 and nothing is read,
/// validated or written. Keys are compared as SHA-256 digests in constant time, which also hides their length.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, IConfiguration configuration) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LabApiKey";
    public const string WriterPolicy = "lab-writer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = configuration["Lab:ApiKey"];
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (string.IsNullOrEmpty(expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Lab:ApiKey is not configured on this server, so it accepts no writes."));
        }
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var wanted = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        if (!CryptographicOperations.FixedTimeEquals(given, wanted))
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer key does not match."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "lab-writer")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: "A valid API key is required for writes",
            detail: "Send 'Authorization: Bearer <key>' with the lab API key (configuration Lab:ApiKey; the AppHost sets Lab__ApiKey from its secret parameter). Reads need no key.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }
}
