using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The scripts a session keeps for its functions' error places: each script once, however many functions it defines,
/// and no more than the budget (a client defining functions in ever new scripts must not grow the session without bound).
/// </summary>
public class FunctionSourceTests
{
    [Test]
    public void A_script_counts_once_for_all_its_functions_and_a_script_past_the_budget_is_not_kept()
    {
        var runspace = new RunspaceState();
        var big = new string('x', RunspaceState.MaxFunctionSourceChars - 10);
        var first = new ScriptFileText(null, big, big);

        runspace.RememberFunctionSource("body 1", first);
        runspace.RememberFunctionSource("body 2", first);
        var second = new ScriptFileText(null, "function g { 1 }" + new string(' ', 20), "function g { 1 }" + new string(' ', 20));
        runspace.RememberFunctionSource("body 3", second);

        Assert.That(runspace.FunctionSources.Keys.Order(), Is.EqualTo(new[] { "body 1", "body 2" }));
    }

    [Test]
    public void A_script_files_functions_are_kept_whatever_the_clients_scripts_took()
    {
        var runspace = new RunspaceState();
        var big = new string('x', RunspaceState.MaxFunctionSourceChars);
        runspace.RememberFunctionSource("body 1", new ScriptFileText(null, big, big));

        runspace.RememberFunctionSource("body 2", new ScriptFileText("C:\\t\\lib.ps1", "function f { }", "function f { }"));

        Assert.That(runspace.FunctionSources["body 2"].Path, Is.EqualTo("C:\\t\\lib.ps1"));
    }
}
