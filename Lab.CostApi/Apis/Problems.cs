// ProblemDetails shapes shared by every API file, so 404s and 409s read the same everywhere.
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

internal static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} with id '{id}'.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static RouteHandlerBuilder RequireWriter(this RouteHandlerBuilder builder) =>
        builder.RequireAuthorization(Security.ApiKeyAuthentication.WriterPolicy);
}
