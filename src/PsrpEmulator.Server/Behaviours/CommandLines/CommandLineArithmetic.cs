using System.Globalization;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// cmd.exe's <c>set /a</c>: 32-bit integer expressions with <c>+ - * / %</c>, parentheses, unary minus, decimal,
/// <c>0x</c> hex and leading-zero octal numbers, variables by name (one not defined is 0), assignments <c>= += -= *= /= %=</c>
/// and several expressions separated by commas. On a command line it prints the last value (without a line end, as
/// cmd.exe does outside a batch file); in a batch file it prints nothing.
/// </summary>
internal sealed class SetArithmeticScript(string expression) : ICommandLineScript
{
    public string Description => "set /a " + expression;

    public static bool TryParse(string line, out SetArithmeticScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !tokens[0].Value.Equals("set", StringComparison.OrdinalIgnoreCase) || !tokens[1].Value.Equals("/a", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = line[(tokens[1].Start + 2)..].Trim();
        if (rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"') rest = rest[1..^1];
        script = new SetArithmeticScript(rest);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var process = host as ProcessEnvironmentHost;
        int last;
        try
        {
            var parser = new Parser(expression, name => process?.Variable(name) ?? host.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value,
                (name, value) => host.SetEnvironmentVariable(name, value.ToString(CultureInfo.InvariantCulture)));
            last = parser.Run();
        }
        catch (DivideByZeroException)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "Divide by zero error.\r\n", cancellationToken).ConfigureAwait(false);
            return 1073750993;
        }
        catch (FormatException)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "Missing operand.\r\n", cancellationToken).ConfigureAwait(false);
            return 1073750991;
        }

        if (process is not { InBatch: true }) await host.WriteTextAsync(WinRsStreams.Stdout, last.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private sealed class Parser(string text, Func<string, string?> read, Action<string, int> write)
    {
        private const int MaxNesting = 64;
        private int _at;

        public int Run()
        {
            var value = Assignment(0);
            while (Skip() && Peek == ',')
            {
                _at++;
                value = Assignment(0);
            }

            if (Skip()) throw new FormatException();
            return value;
        }

        private char Peek => _at < text.Length ? text[_at] : '\0';

        // Skips blanks; true when something is left.
        private bool Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
            return _at < text.Length;
        }

        private int Assignment(int nesting)
        {
            Skip();
            var start = _at;
            if (Name() is { } name)
            {
                Skip();
                foreach (var op in new[] { "+=", "-=", "*=", "/=", "%=", "=" })
                {
                    if (!text.AsSpan(_at).StartsWith(op, StringComparison.Ordinal) || (op == "=" && text.AsSpan(_at).StartsWith("==", StringComparison.Ordinal))) continue;
                    _at += op.Length;
                    var right = Assignment(nesting + 1);
                    var current = Value(name);
                    var result = op switch
                    {
                        "+=" => unchecked(current + right),
                        "-=" => unchecked(current - right),
                        "*=" => unchecked(current * right),
                        "/=" => right == 0 ? throw new DivideByZeroException() : Divide(current, right),
                        "%=" => right == 0 ? throw new DivideByZeroException() : Remainder(current, right),
                        _ => right,
                    };
                    write(name, result);
                    return result;
                }
            }

            _at = start;
            return Sum(nesting);
        }

        private int Sum(int nesting)
        {
            var value = Product(nesting);
            while (Skip() && Peek is '+' or '-' && !text.AsSpan(_at).StartsWith("+=", StringComparison.Ordinal) && !text.AsSpan(_at).StartsWith("-=", StringComparison.Ordinal))
            {
                var op = text[_at++];
                var right = Product(nesting);
                value = op == '+' ? unchecked(value + right) : unchecked(value - right);
            }

            return value;
        }

        private int Product(int nesting)
        {
            var value = Unary(nesting);
            while (Skip() && Peek is '*' or '/' or '%' && (_at + 1 >= text.Length || text[_at + 1] != '='))
            {
                var op = text[_at++];
                var right = Unary(nesting);
                if (op != '*' && right == 0) throw new DivideByZeroException();
                value = op switch { '*' => unchecked(value * right), '/' => Divide(value, right), _ => Remainder(value, right) };
            }

            return value;
        }

        // In 64 bits, so that int.MinValue / -1 wraps as a 32-bit result instead of throwing.
        private static int Divide(int a, int b) => unchecked((int)((long)a / b));

        private static int Remainder(int a, int b) => unchecked((int)((long)a % b));

        private int Unary(int nesting)
        {
            if (nesting > MaxNesting) throw new FormatException();
            Skip();
            if (Peek == '-')
            {
                _at++;
                return unchecked(-Unary(nesting + 1));
            }

            if (Peek == '+')
            {
                _at++;
                return Unary(nesting + 1);
            }

            if (Peek == '(')
            {
                _at++;
                var value = Assignment(nesting + 1);
                if (!Skip() || Peek != ')') throw new FormatException();
                _at++;
                return value;
            }

            if (char.IsAsciiDigit(Peek)) return Number();
            return Name() is { } name ? Value(name) : throw new FormatException();
        }

        private int Number()
        {
            var start = _at;
            while (_at < text.Length && char.IsAsciiLetterOrDigit(text[_at])) _at++;
            var literal = text[start.._at];
            try
            {
                if (literal.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return unchecked((int)Convert.ToUInt32(literal[2..], 16));
                if (literal.Length > 1 && literal[0] == '0') return unchecked((int)Convert.ToUInt32(literal, 8));
                return unchecked((int)long.Parse(literal, NumberStyles.None, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                throw new FormatException();
            }
        }

        private string? Name()
        {
            Skip();
            var start = _at;
            if (_at >= text.Length || !(char.IsAsciiLetter(text[_at]) || text[_at] == '_')) return null;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '.')) _at++;
            return text[start.._at];
        }

        // A variable's number: its leading digits (cmd.exe reads "12abc" as 12), 0 when it has none.
        private int Value(string name)
        {
            var value = read(name);
            if (value is null) return 0;
            var digits = new string([.. value.Trim().TakeWhile((c, i) => char.IsAsciiDigit(c) || (i == 0 && c == '-'))]);
            return int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }
    }
}

/// <summary>
/// cmd.exe's <c>set /p NAME=prompt</c>: the prompt on stdout (no line end), then a line of stdin as the variable's value;
/// <c>set /p NAME=&lt;file</c> (the common idiom) takes the file's first line instead. Nothing to read leaves the
/// variable as it was, exit code 1. What followed the line in the same stdin chunk is not kept for later reads.
/// </summary>
internal sealed class SetPromptScript(string name, string prompt, string? file) : ICommandLineScript
{
    public string Description => "set /p " + name;

    public static bool TryParse(string line, out SetPromptScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !tokens[0].Value.Equals("set", StringComparison.OrdinalIgnoreCase) || !tokens[1].Value.Equals("/p", StringComparison.OrdinalIgnoreCase)) return false;
        // The prompt keeps its trailing blanks ("Name: ").
        var rest = line[(tokens[1].Start + 2)..].TrimStart();
        if (rest.TrimEnd().Length >= 2 && rest[0] == '"' && rest.TrimEnd()[^1] == '"') rest = rest.TrimEnd()[1..^1];
        string? file = null;
        var input = rest.LastIndexOf('<');
        if (input >= 0 && rest.IndexOf('"', input) < 0)
        {
            file = rest[(input + 1)..].Trim().Trim('"');
            rest = rest[..input].TrimEnd();
        }

        var equals = rest.IndexOf('=');
        if (equals <= 0) return false;
        script = new SetPromptScript(rest[..equals].Trim(), rest[(equals + 1)..], file);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        string? value;
        if (file is not null)
        {
            var path = VirtualFileSystem.FullPath(file.Replace('/', '\\'), host.Facts.GetValueOrDefault("cd") ?? @"C:\", out _);
            if (path is null || host.FileSystem?.Get(path) is not { IsDirectory: false } || host.FileSystem.Read(path, out var bytes) != FileSystemFailure.None)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "The system cannot find the file specified.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            value = FilterCommandScript.Lines(host.Encoding.GetString(bytes)).FirstOrDefault();
        }
        else
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, prompt, cancellationToken).ConfigureAwait(false);
            value = await ReadLineAsync(host, cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(value)) return 1;
        host.SetEnvironmentVariable(name, value);
        return 0;
    }

    internal static async Task<string?> ReadLineAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        while (await host.ReadStdinAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
        {
            text.Append(host.Encoding.GetString(chunk.Span));
            var end = text.ToString().IndexOf('\n', StringComparison.Ordinal);
            if (end >= 0) return text.ToString(0, end).TrimEnd('\r');
            if (text.Length > 8191) break;
        }

        return text.Length == 0 ? null : text.ToString().TrimEnd('\r');
    }
}
