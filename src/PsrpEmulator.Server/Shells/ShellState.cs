namespace PsrpEmulator.Server.Shells;

/// <summary>WinRM's view of a shell's client connection (rsp:State).</summary>
public enum ShellConnectionState
{
    Connected,
    Disconnected,
}

/// <summary>The server-side lifecycle of a pipeline (command).</summary>
public enum PipelineLifecycle
{
    /// <summary>Command received; CREATE_PIPELINE not complete yet.</summary>
    Creating,
    Running,
    /// <summary>Terminal PIPELINE_STATE buffered; output may still be waiting to be received.</summary>
    Finished,
    /// <summary>Closed by Signal Terminate or shell deletion.</summary>
    Closed,
}

/// <summary>The heartbeat's decision for an idle shell.</summary>
public enum IdleVerdict
{
    None,
    /// <summary>A connected shell whose client stopped polling: it becomes Disconnected.</summary>
    AutoDisconnect,
    /// <summary>A disconnected shell past its idle timeout: it is deleted with its pipelines and output.</summary>
    Expire,
}
