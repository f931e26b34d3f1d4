namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A braced variable name with characters a bare name cannot have (<c>${my var}</c>, <c>${a-b}</c>), written as a bare
/// name the statement readers take as any other (<c>$_ǂmyǂ0020var</c>) and read back as the name it is at the variable
/// store, so <c>Get-Variable 'my var'</c> and <c>"${my var}"</c> find what <c>${my var} = 1</c> set.
/// </summary>
/// <remarks>
/// PowerShell's tokenizer reads <c>${...}</c> as one variable token whatever its characters (a backtick escapes a brace).
/// The emulator's statement readers take <c>$</c> followed by name characters; ǂ (U+01C2, a letter) marks the escapes,
/// and no name a script writes has it.
/// </remarks>
internal static class BracedVariableNames
{
    private const char Mark = 'ǂ';
    private const string Prefix = "_ǂ";

    /// <summary>Whether a braced name needs writing as another name: it has a character a bare name cannot have.</summary>
    public static bool NeedsEncoding(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!IsNameCharacter(c)) return true;
        }

        return false;
    }

    /// <summary>The bare name that stands for <paramref name="name"/> (a scope or drive prefix kept as it is).</summary>
    public static string Encode(string name)
    {
        var colon = ScopeEnd(name);
        var sb = new System.Text.StringBuilder(name.Length * 2).Append(name, 0, colon).Append(Prefix);
        foreach (var c in name.AsSpan(colon))
        {
            if (IsNameCharacter(c)) sb.Append(c);
            else sb.Append(Mark).Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>The variable's own name of one <see cref="Encode"/> wrote; any other name as it is.</summary>
    public static string Decode(string name)
    {
        if (name.IndexOf(Mark) < 0) return name;
        var at = name.IndexOf(Prefix, StringComparison.Ordinal);
        if (at < 0 || (at > 0 && name[at - 1] != ':')) return name;
        var sb = new System.Text.StringBuilder(name.Length).Append(name, 0, at);
        for (var i = at + Prefix.Length; i < name.Length; i++)
        {
            if (name[i] == Mark && i + 4 < name.Length &&
                int.TryParse(name.AsSpan(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                sb.Append((char)code);
                i += 4;
            }
            else
            {
                sb.Append(name[i]);
            }
        }

        return sb.ToString();
    }

    // The end of a scope or drive prefix PowerShell reads in a braced name (global:, script:, env:...), 0 without one.
    private static int ScopeEnd(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Statements.IsVariableScopeOrDrive(name.AsSpan(0, colon)) ? colon + 1 : 0;
    }

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c == '_';
}
