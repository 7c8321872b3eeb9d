// Turns the lab's HTTP errors (ProblemDetails) into messages with what to do next.
using System.Net;
using System.Text.Json;
using Refit;

namespace Lab.Cli.Connection;

public static class LabErrors
{
    /// <summary>
    /// True when nothing answered (connection refused or reset): Refit wraps the HttpRequestException in an
    /// ApiRequestException that still knows the URL.
    /// </summary>
    public static bool IsUnreachable(Exception e, out string where)
    {
        switch (e)
        {
            case ApiRequestException { InnerException: HttpRequestException } wrapped:
                where = wrapped.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) + "/";
                return true;
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } direct:
                where = direct.Message;
                return true;
            default:
                where = "";
                return false;
        }
    }

    public static CliError FromApi(ApiException e)
    {
        var detail = ProblemText(e.Content) ?? e.ReasonPhrase ?? e.StatusCode.ToString();
        var where = e.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path) ?? "the lab";
        return e.StatusCode switch
        {
            HttpStatusCode.BadRequest => CliError.Usage(detail),
            HttpStatusCode.NotFound => CliError.Usage($"{detail} (404 from {where})"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new CliError(
                $"The lab refused the API key ({(int)e.StatusCode} from {where}).",
                ExitCodes.Failure,
                "Writes need the lab's key: it is read from .lab/parameters.json beside apphost.json, or pass --api-key / set LAB_API_KEY."),
            HttpStatusCode.Conflict => new CliError($"{detail} (409: the target is busy with another run; wait for it or cancel it)."),
            _ => new CliError($"The lab answered {(int)e.StatusCode} {e.ReasonPhrase} from {where}: {detail}"),
        };
    }

    /// <summary>ProblemDetails' detail, title and validation errors as one line; null when the body is not JSON.</summary>
    private static string? ProblemText(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return content.Trim();
            }
            var parts = new List<string>();
            foreach (var name in new[] { "detail", "title" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    parts.Add(value.GetString()!);
                    break;
                }
            }
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array
                        ? string.Join(" ", field.Value.EnumerateArray().Select(m => m.ToString()))
                        : field.Value.ToString();
                    parts.Add($"{field.Name}: {messages}");
                }
            }
            return parts.Count == 0 ? content.Trim() : string.Join(" ", parts);
        }
        catch (JsonException)
        {
            return content.Trim();
        }
    }
}
