// Per-circuit write access: a person unlocks editing by typing the lab API key; Lab.Web's client sends its own copy.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Lab.Web.Model;

public sealed class EditorSession(IOptions<LabWebOptions> options)
{
    public bool Unlocked { get; private set; }

    /// <summary>False when Lab.Web itself has no key: then no write can succeed, whatever is typed.</summary>
    public bool WritesConfigured => !string.IsNullOrEmpty(options.Value.ApiKey);

    public bool TryUnlock(string? typed)
    {
        var expected = options.Value.ApiKey;
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(typed))
        {
            return false;
        }
        // Constant-time comparison: the key is a secret, its prefix should not leak through timing.
        Unlocked = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(typed), Encoding.UTF8.GetBytes(expected));
        return Unlocked;
    }

    public void Lock() => Unlocked = false;
}
