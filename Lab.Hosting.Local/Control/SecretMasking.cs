// Which environment values the control API masks: it answers anyone on the machine, so secrets never leave the AppHost.
using System.Text.RegularExpressions;
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting.Local.Control;

internal static partial class SecretMasking
{
    public static IReadOnlyDictionary<string, string> Mask(IReadOnlyDictionary<string, string> environment) =>
        environment.ToDictionary(e => e.Key, e => IsSecret(e.Key, e.Value) ? ResourceInstanceView.MaskedValue : e.Value, StringComparer.Ordinal);

    public static bool IsSecret(string name, string value) => SecretName().IsMatch(name) || SecretInValue().IsMatch(value);

    [GeneratedRegex("(PASSWORD|SECRET|TOKEN|APIKEY|API_KEY|KEY$|CREDENTIAL|OTLP_HEADERS|CONNECTIONSTRINGS__)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // Connection strings and URLs can carry a password even under an innocent variable name.
    [GeneratedRegex(@"(password=|pwd=|://[^/\s:@]+:[^/\s@]+@)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretInValue();
}
