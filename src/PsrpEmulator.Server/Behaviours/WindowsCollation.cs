namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// How a Windows server (NLS, en-US) orders text in a culture comparison (.NET Framework's string comparisons under
/// Windows PowerShell 5.1: Sort-Object, <c>-lt</c>/<c>-gt</c>, List.Sort; sort.exe), approximated: the emulator runs
/// without ICU (InvariantGlobalization), where culture comparisons are ordinal and put <c>_</c> after <c>Z</c> and
/// <c>B</c> before <c>a</c>. NLS sort keys compare in levels: the characters' primary weights (white space and
/// punctuation before symbols, symbols before digits, digits before letters; letters without case or accent), then
/// accents (unaccented first), then case (lower case first), then the "word sort" characters, the hyphen and the
/// apostrophe, which weigh nothing before that (coop, co-op, cop). Punctuation keeps its code order within its group
/// (UNVERIFIED against NLS's own order of punctuation marks).
/// </summary>
internal static class WindowsCollation
{
    public static StringComparer IgnoreCase { get; } = new Comparer(ignoreCase: true);

    public static StringComparer WithCase { get; } = new Comparer(ignoreCase: false);

    public static int Compare(string? x, string? y, bool ignoreCase)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;

        // 1. Primary weights, the word-sort characters left out.
        int i = 0, j = 0;
        while (true)
        {
            while (i < x.Length && IsWordSortCharacter(x[i])) i++;
            while (j < y.Length && IsWordSortCharacter(y[j])) j++;
            if (i == x.Length || j == y.Length) break;
            var order = Primary(x[i]).CompareTo(Primary(y[j]));
            if (order != 0) return Math.Sign(order);
            i++;
            j++;
        }

        if (i < x.Length) return 1;
        if (j < y.Length) return -1;

        // 2. Accents, then 3. case, at the first character that differs in them (the same characters in both, in order).
        var accents = 0;
        var cases = 0;
        i = 0;
        j = 0;
        while (true)
        {
            while (i < x.Length && IsWordSortCharacter(x[i])) i++;
            while (j < y.Length && IsWordSortCharacter(y[j])) j++;
            if (i == x.Length || j == y.Length) break;
            var a = x[i];
            var b = y[j];
            if (accents == 0) accents = Math.Sign(Accent(a).CompareTo(Accent(b)));
            if (cases == 0 && !ignoreCase && char.IsLetter(a) && char.IsLetter(b)) cases = Math.Sign(CaseWeight(a).CompareTo(CaseWeight(b)));
            i++;
            j++;
        }

        if (accents != 0) return accents;
        if (cases != 0) return cases;

        // 4. The word-sort characters: fewer first, then by where they stand.
        var special = CountWordSort(x).CompareTo(CountWordSort(y));
        if (special != 0) return Math.Sign(special);
        return ignoreCase ? Math.Sign(string.Compare(x, y, StringComparison.OrdinalIgnoreCase)) : Math.Sign(string.CompareOrdinal(x, y));
    }

    private static bool IsWordSortCharacter(char c) => c is '-' or '\'' or '\u2010' or '\u2011' or '\u2019';

    private static int CountWordSort(string s)
    {
        var count = 0;
        foreach (var c in s)
        {
            if (IsWordSortCharacter(c)) count++;
        }

        return count;
    }

    // Group, then weight within it: white space and control characters, punctuation, symbols, digits, letters, the rest.
    private static int Primary(char c)
    {
        if (char.IsWhiteSpace(c) || char.IsControl(c)) return (0 << 20) | c;
        if (char.IsPunctuation(c)) return (1 << 20) | c;
        if (char.IsSymbol(c)) return (2 << 20) | c;
        if (char.IsDigit(c)) return (3 << 20) | (int)char.GetNumericValue(c);
        if (char.IsLetter(c)) return (4 << 20) | char.ToLowerInvariant(BaseLetter(c));
        return (5 << 20) | c;
    }

    // 0 for a letter without an accent, else the accented letter itself (accented after unaccented).
    private static int Accent(char c) => char.IsLetter(c) && BaseLetter(c) != c ? char.ToLowerInvariant(c) : 0;

    private static int CaseWeight(char c) => char.IsUpper(c) ? 1 : 0;

    // The Latin-1 and Latin Extended-A letters' base letters (without ICU's decomposition data).
    private static char BaseLetter(char c) => c switch
    {
        >= 'À' and <= 'Å' => 'A',
        >= 'à' and <= 'å' => 'a',
        'Ç' => 'C',
        'ç' => 'c',
        >= 'È' and <= 'Ë' => 'E',
        >= 'è' and <= 'ë' => 'e',
        >= 'Ì' and <= 'Ï' => 'I',
        >= 'ì' and <= 'ï' => 'i',
        'Ñ' => 'N',
        'ñ' => 'n',
        >= 'Ò' and <= 'Ö' or 'Ø' => 'O',
        >= 'ò' and <= 'ö' or 'ø' => 'o',
        >= 'Ù' and <= 'Ü' => 'U',
        >= 'ù' and <= 'ü' => 'u',
        'Ý' => 'Y',
        'ý' or 'ÿ' => 'y',
        _ => c,
    };

    private sealed class Comparer(bool ignoreCase) : StringComparer
    {
        public override int Compare(string? x, string? y) => WindowsCollation.Compare(x, y, ignoreCase);

        public override bool Equals(string? x, string? y) => Compare(x, y) == 0;

        public override int GetHashCode(string obj) => ignoreCase ? StringComparer.OrdinalIgnoreCase.GetHashCode(obj) : StringComparer.Ordinal.GetHashCode(obj);
    }
}
