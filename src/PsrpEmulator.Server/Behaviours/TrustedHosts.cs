namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// WinRM's client TrustedHosts list (WSMan:\localhost\Client\TrustedHosts): the computers a client lets Negotiate fall
/// back to NTLM for, outside a domain. The value is a comma-separated list of names and addresses; an entry may hold
/// <c>*</c> wildcards (<c>*</c> alone trusts every computer, <c>*.contoso.com</c> a domain, <c>192.168.10.*</c> a range).
/// Names compare ignoring case; spaces around an entry do not count (<c>"$old, next"</c> is a common way to add one).
/// </summary>
internal static class TrustedHosts
{
    /// <summary>The setting's path under WSMan:\localhost.</summary>
    public const string Path = @"Client\TrustedHosts";

    /// <summary>True when <paramref name="computer"/> is in the list <paramref name="value"/> (null or empty: none is).</summary>
    public static bool Matches(string? value, string computer)
    {
        if (string.IsNullOrWhiteSpace(value) || computer.Length == 0) return false;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Wildcard(part, computer)) return true;
        }

        return false;
    }

    // '*' stands for any run of characters, anywhere in the entry; nothing else is special. The classic two-pointer
    // match, returning to the last star on a mismatch: O(entry × name) whatever the entry holds.
    private static bool Wildcard(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
