namespace PsrpEmulator.Server.Shells;

/// <summary>
/// The wake-up and one-at-a-time rule shared by every server output buffer (PSRP pipelines and pools, WinRS
/// commands). Writers <see cref="Publish"/> when they pause (a sleep, waiting for input or room, the end), so a
/// waiting Receive takes a whole burst, as on Windows, instead of racing it and returning its first object alone.
/// </summary>
internal sealed class ReceiveGate
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private TaskCompletionSource _pulse = NewPulse();

    public void Publish() => Interlocked.Exchange(ref _pulse, NewPulse()).TrySetResult();

    /// <summary>
    /// Waits, one Receive at a time, until <paramref name="hasPending"/> holds after a publish, then returns
    /// <paramref name="take"/>; null when <paramref name="hold"/> ends with nothing pending.
    /// </summary>
    public async Task<T?> ReceiveAsync<T>(Func<bool> hasPending, Func<T> take, CancellationToken hold)
        where T : class
    {
        try
        {
            await _lock.WaitAsync(hold).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        try
        {
            // Read the pulse before looking, so a publish between the look and the wait is not missed.
            var pulse = Volatile.Read(ref _pulse).Task;
            while (!hasPending())
            {
                try
                {
                    await pulse.WaitAsync(hold).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Data and the end of the hold may arrive together (one clock advance): data wins.
                    return hasPending() ? take() : null;
                }

                pulse = Volatile.Read(ref _pulse).Task;
            }

            return take();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Runs <paramref name="action"/> while no Receive is taking from the buffer.</summary>
    public async Task RunExclusiveAsync(Action action)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            action();
        }
        finally
        {
            _lock.Release();
        }
    }

    private static TaskCompletionSource NewPulse() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
