using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The ids of the processes an emulator makes (sessions' wsmprovhost.exe, started programs, tasks').</summary>
public class ProcessIdTests
{
    [Test]
    public void Made_process_ids_are_multiples_of_4_distinct_over_a_wrap_and_never_a_fixed_process_s()
    {
        // Before, a server's 868th session had $PID 1868, the svchost's: Get-Process -Id $PID found two processes.
        var ids = Enumerable.Range(0, 48_000).Select(_ => ProcessIds.Next()).ToList();

        Assert.That(ids, Has.All.Matches<int>(id => id % 4 == 0 && id >= 8000 && id <= 200_000));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids, Has.None.EqualTo(ListeningSockets.ServiceHostId));
        Assert.That(ids.Intersect(WindowsProcesses.All.Select(p => p.Id)), Is.Empty);
        // Own-process services' ids (MsMpEng 2212, msdtc 4456...) stay below 8000.
        Assert.That(BehaviourCatalog.LoadDefault().ServicesOf("SERVER01", null).All().Select(s => s.RunningProcessId).Max(), Is.LessThan(8000));
    }
}
