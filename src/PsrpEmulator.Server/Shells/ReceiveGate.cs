namespace PsrpEmulator.Server.Shells;

/// <summary>
/// The wake-up and one-at-a-time rule shared by every server output buffer (PSRP pipelines and pools, WinRS
/// commands). Writers <see cref="Publish"/> when they pause (a sleep, waiting for input or room, the end), so a
/// waiting Receive takes a whole burst, as on Windows, instead of racing it and returning its first object alone.
/// A PSRP <see cref="OutputStream"/> is its own gate (one object fewer per buffer of every idle shell).
/// </summary>
internal class ReceiveGate
{
    // One Receive at a time: a flag, and a queue of waiters made only when two Receives meet (guarded by this).
    private bool _busy;
    private Queue<TaskCompletionSource<bool>>? _waiters;

    // Made only while a Receive waits (idle buffers of thousands of disconnected shells hold none).
    private TaskCompletionSource? _pulse;

    public void Publish() => Interlocked.Exchange(ref _pulse, null)?.TrySetResult();

    private TaskCompletionSource Pulse()
    {
        if (Volatile.Read(ref _pulse) is { } pulse) return pulse;
        var fresh = NewPulse();
        return Interlocked.CompareExchange(ref _pulse, fresh, null) ?? fresh;
    }

    /// <summary>
    /// Waits, one Receive at a time, until <paramref name="hasPending"/> holds after a publish, then returns
    /// <paramref name="take"/>; null when <paramref name="hold"/> ends with nothing pending.
    /// </summary>
    public async Task<T?> ReceiveAsync<T>(Func<bool> hasPending, Func<T> take, CancellationToken hold)
        where T : class
    {
        if (!await EnterAsync(hold).ConfigureAwait(false)) return null;

        try
        {
            if (hasPending()) return take();

            // Take the pulse before looking again, so a publish between the look and the wait is not missed.
            var pulse = Pulse();
            while (!hasPending())
            {
                try
                {
                    await pulse.Task.WaitAsync(hold).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Nobody waits any more: an idle buffer keeps no pulse.
                    Interlocked.CompareExchange(ref _pulse, null, pulse);
                    // Data and the end of the hold may arrive together (one clock advance): data wins.
                    return hasPending() ? take() : null;
                }

                pulse = Pulse();
            }

            // Nobody waits any more: an idle buffer keeps no pulse.
            Interlocked.CompareExchange(ref _pulse, null, pulse);
            return take();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Takes the gate if no Receive holds it (no waiting); <see cref="Exit"/> gives it back.</summary>
    private protected bool TryEnter()
    {
        lock (this)
        {
            if (_busy) return false;
            _busy = true;
            return true;
        }
    }

    /// <summary>Runs <paramref name="action"/> while no Receive is taking from the buffer.</summary>
    public async Task RunExclusiveAsync(Action action)
    {
        await EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            action();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Takes the gate; false when <paramref name="cancellationToken"/> ended the wait first.</summary>
    private async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        lock (this)
        {
            if (!_busy)
            {
                _busy = true;
                return true;
            }

            if (cancellationToken.IsCancellationRequested) return false;
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            (_waiters ??= new Queue<TaskCompletionSource<bool>>()).Enqueue(waiter);
        }

        // Exactly one of the cancellation (false) and the hand-over in Exit (true) completes the waiter.
        using (cancellationToken.Register(static w => ((TaskCompletionSource<bool>)w!).TrySetResult(false), waiter))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    private protected void Exit()
    {
        lock (this)
        {
            while (_waiters is { } waiters && waiters.TryDequeue(out var next))
            {
                // Handed over: the gate stays busy for the next Receive.
                if (next.TrySetResult(true)) return;
            }

            _waiters = null;
            _busy = false;
        }
    }

    private static TaskCompletionSource NewPulse() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
