using System.Collections.Concurrent;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Shells;

/// <summary>Open WS-Enumeration contexts: the items not yet pulled, for their user, until they expire.</summary>
internal sealed class EnumerationStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Context> _contexts = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Context(string user, IReadOnlyList<ShellInfo> shells, IReadOnlyList<CommandInfo> commands, IReadOnlyList<WmiInstance> instances, DateTimeOffset expires)
    {
        public string User { get; } = user;
        public Queue<ShellInfo> Shells { get; } = new(shells);
        public Queue<CommandInfo> Commands { get; } = new(commands);
        public Queue<WmiInstance> Instances { get; } = new(instances);
        public DateTimeOffset Expires { get; set; } = expires;

        public bool IsEmpty => Shells.Count == 0 && Commands.Count == 0 && Instances.Count == 0;
    }

    /// <summary>Answers an Enumerate: up to <paramref name="maxElements"/> items inline when optimized, the rest behind a context.</summary>
    public EnumerationResponseBody Start(string user, IReadOnlyList<ShellInfo> shells, IReadOnlyList<CommandInfo> commands, bool optimize, int? maxElements, TimeSpan lifetime,
        IReadOnlyList<WmiInstance>? instances = null)
    {
        var context = new Context(user, shells, commands, instances ?? [], time.GetUtcNow() + lifetime);
        var (s, c, w) = optimize ? Take(context, maxElements ?? 1) : ([], [], []);
        if (context.IsEmpty && optimize) return new EnumerationResponseBody(false, null, s, c, true) { Instances = w };
        var id = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant();
        _contexts[id] = context;
        return new EnumerationResponseBody(false, id, s, c, false) { Instances = w };
    }

    /// <summary>Answers a Pull; the context ends with the last items.</summary>
    public EnumerationResponseBody Pull(string user, string contextId, int? maxElements, TimeSpan lifetime)
    {
        var context = Find(user, contextId);
        lock (context)
        {
            var (s, c, w) = Take(context, maxElements ?? 1);
            if (context.IsEmpty)
            {
                _contexts.TryRemove(contextId, out _);
                return new EnumerationResponseBody(true, null, s, c, true) { Instances = w };
            }

            context.Expires = time.GetUtcNow() + lifetime;
            return new EnumerationResponseBody(true, contextId, s, c, false) { Instances = w };
        }
    }

    public void Release(string user, string contextId)
    {
        Find(user, contextId);
        _contexts.TryRemove(contextId, out _);
    }

    /// <summary>Forgets contexts unused past their lifetime (heartbeat).</summary>
    public void Expire(DateTimeOffset now)
    {
        foreach (var (id, context) in _contexts)
        {
            if (context.Expires <= now) _contexts.TryRemove(id, out _);
        }
    }

    private Context Find(string user, string contextId)
    {
        if (!_contexts.TryGetValue(contextId, out var context) || !string.Equals(context.User, user, StringComparison.OrdinalIgnoreCase))
        {
            throw new WsManFaultException(WsManFaultReason.InvalidEnumerationContext, contextId);
        }

        return context;
    }

    private static (List<ShellInfo>, List<CommandInfo>, List<WmiInstance>) Take(Context context, int max)
    {
        var shells = new List<ShellInfo>();
        var commands = new List<CommandInfo>();
        var instances = new List<WmiInstance>();
        var room = Math.Max(1, max);
        while (room > 0 && context.Shells.TryDequeue(out var shell))
        {
            shells.Add(shell);
            room--;
        }

        while (room > 0 && context.Commands.TryDequeue(out var command))
        {
            commands.Add(command);
            room--;
        }

        while (room > 0 && context.Instances.TryDequeue(out var instance))
        {
            instances.Add(instance);
            room--;
        }

        return (shells, commands, instances);
    }
}
