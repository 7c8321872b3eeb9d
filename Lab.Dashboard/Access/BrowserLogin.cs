// Browser access: /login?t=<token> exchanges the token the AppHost printed for an auth cookie (as Aspire's dashboard does).
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Lab.Dashboard.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Lab.Dashboard.Access;

public static class BrowserLogin
{
    public const string CookieName = ".Lab.Dashboard.Auth";

    public static IEndpointRouteBuilder MapBrowserLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", LoginAsync).AllowAnonymous();
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IOptions<DashboardOptions> options, string? t, string? returnUrl)
    {
        var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
        if (options.Value.Unsecured)
        {
            return Results.Redirect(target);
        }
        if (string.IsNullOrEmpty(t))
        {
            return Results.Content(Page(target, error: null), "text/html");
        }
        var expected = Encoding.UTF8.GetBytes(options.Value.Frontend.BrowserToken ?? "");
        if (expected.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(t), expected))
        {
            return Results.Content(Page(target, "That token is not valid. Use the login URL the AppHost printed."), "text/html", statusCode: 401);
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard-user")], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(target);
    }

    private static string Page(string returnUrl, string? error) => $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lab dashboard — login</title>
        <link rel="stylesheet" href="/app.css"></head><body class="login">
        <main><h1>Lab dashboard</h1>
        <p>Open the login URL the AppHost printed at start, or paste its token here.</p>
        {{(error is null ? "" : $"<p class=\"error\">{System.Net.WebUtility.HtmlEncode(error)}</p>")}}
        <form method="get" action="/login"><input type="hidden" name="returnUrl" value="{{System.Net.WebUtility.HtmlEncode(returnUrl)}}">
        <input name="t" type="password" placeholder="token" autofocus> <button type="submit">Log in</button></form></main></body></html>
        """;
}
