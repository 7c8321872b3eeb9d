// Reads ProblemDetails bodies from Refit's ApiException, keeping assertions about fields plain.
using System.Text.Json;
using Refit;

namespace Lab.CostApi.Tests;

public static class Problem
{
    public static Dictionary<string, string[]> Errors(ApiException exception)
    {
        using var document = JsonDocument.Parse(exception.Content!);
        return document.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}

/// <summary>Records holding lists and dictionaries compare by reference; their wire form compares by value.</summary>
public static class Wire
{
    public static void Equal<T>(T expected, T actual) =>
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected, typeof(T), Lab.Contracts.LabJsonContext.Default),
            System.Text.Json.JsonSerializer.Serialize(actual, typeof(T), Lab.Contracts.LabJsonContext.Default));
}
