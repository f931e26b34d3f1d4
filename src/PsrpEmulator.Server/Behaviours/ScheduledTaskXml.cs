using System.Globalization;
using System.Text;
using System.Xml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A scheduled task's definition as the Task Scheduler's XML (task schema 1.2, what Export-ScheduledTask and
/// <c>schtasks /query /xml</c> print and Register-ScheduledTask -Xml reads): RegistrationInfo (Author, Description, URI),
/// Triggers (BootTrigger, LogonTrigger, TimeTrigger, CalendarTrigger by day), the principal (SYSTEM and the other
/// service accounts by SID, as Windows writes them), Settings in the order Windows exports them and the Exec actions.
/// Read takes what Write writes, and Windows' own exports: other triggers, actions (COM handlers, e-mail) and settings are
/// left out or refused. UNVERIFIED: whether a module-registered task's export has RunLevel LeastPrivilege and
/// IdleSettings' Duration and WaitTimeout, and RestartOnFailure's place after Priority.
/// </summary>
internal static class ScheduledTaskXml
{
    public const string Namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    // A task definition is small; more than this is not one (the Task Scheduler's own limit is larger, UNVERIFIED).
    private const int MaxCharacters = 1 << 20;

    private static readonly (string Name, string Sid)[] ServiceAccounts =
    [
        ("SYSTEM", "S-1-5-18"), ("NT AUTHORITY\\SYSTEM", "S-1-5-18"), ("LOCAL SERVICE", "S-1-5-19"), ("NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19"),
        ("LocalService", "S-1-5-19"), ("NETWORK SERVICE", "S-1-5-20"), ("NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20"), ("NetworkService", "S-1-5-20"),
    ];

    /// <summary>The task's XML with CRLF lines and two-space indents, as Export-ScheduledTask returns it (one string).</summary>
    /// <param name="sidOf">A local user's SID by name (null for a name the computer does not know, which is written as given).</param>
    public static string Write(ScheduledTasks.ScheduledTask task, Func<string, string?> sidOf)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\r\n", OmitXmlDeclaration = true };
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n");
        using (var writer = XmlWriter.Create(text, settings))
        {
            writer.WriteStartElement("Task", Namespace);
            writer.WriteAttributeString("version", "1.2");
            writer.WriteStartElement("RegistrationInfo", Namespace);
            if (task.Author is { } author) writer.WriteElementString("Author", Namespace, author);
            if (task.Description.Length > 0) writer.WriteElementString("Description", Namespace, task.Description);
            writer.WriteElementString("URI", Namespace, task.FullName);
            writer.WriteEndElement();

            writer.WriteStartElement("Triggers", Namespace);
            foreach (var trigger in task.Triggers) WriteTrigger(writer, trigger);
            writer.WriteEndElement();

            writer.WriteStartElement("Principals", Namespace);
            writer.WriteStartElement("Principal", Namespace);
            writer.WriteAttributeString("id", "Author");
            if (task.LogonType == "Group")
            {
                writer.WriteElementString("GroupId", Namespace, task.UserId);
            }
            else
            {
                var service = ServiceAccountSid(task.UserId);
                writer.WriteElementString("UserId", Namespace, service ?? sidOf(task.UserId) ?? task.UserId);
                if (service is null && XmlLogonType(task.LogonType) is { } logonType) writer.WriteElementString("LogonType", Namespace, logonType);
            }

            writer.WriteElementString("RunLevel", Namespace, task.RunLevel.Equals("Highest", StringComparison.OrdinalIgnoreCase) ? "HighestAvailable" : "LeastPrivilege");
            writer.WriteEndElement();
            writer.WriteEndElement();

            var s = task.Settings;
            writer.WriteStartElement("Settings", Namespace);
            writer.WriteElementString("MultipleInstancesPolicy", Namespace, s.MultipleInstances);
            writer.WriteElementString("DisallowStartIfOnBatteries", Namespace, Bool(s.DisallowStartIfOnBatteries));
            writer.WriteElementString("StopIfGoingOnBatteries", Namespace, Bool(s.StopIfGoingOnBatteries));
            writer.WriteElementString("AllowHardTerminate", Namespace, "true");
            writer.WriteElementString("StartWhenAvailable", Namespace, Bool(s.StartWhenAvailable));
            writer.WriteElementString("RunOnlyIfNetworkAvailable", Namespace, Bool(s.RunOnlyIfNetworkAvailable));
            writer.WriteStartElement("IdleSettings", Namespace);
            writer.WriteElementString("Duration", Namespace, "PT10M");
            writer.WriteElementString("WaitTimeout", Namespace, "PT1H");
            writer.WriteElementString("StopOnIdleEnd", Namespace, Bool(s.StopOnIdleEnd));
            writer.WriteElementString("RestartOnIdle", Namespace, "false");
            writer.WriteEndElement();
            writer.WriteElementString("AllowStartOnDemand", Namespace, "true");
            writer.WriteElementString("Enabled", Namespace, Bool(task.Enabled));
            writer.WriteElementString("Hidden", Namespace, Bool(s.Hidden));
            writer.WriteElementString("RunOnlyIfIdle", Namespace, "false");
            writer.WriteElementString("WakeToRun", Namespace, Bool(s.WakeToRun));
            writer.WriteElementString("ExecutionTimeLimit", Namespace, s.ExecutionTimeLimit);
            writer.WriteElementString("Priority", Namespace, s.Priority.ToString(CultureInfo.InvariantCulture));
            if (s.RestartCount > 0 && s.RestartInterval is { } interval)
            {
                writer.WriteStartElement("RestartOnFailure", Namespace);
                writer.WriteElementString("Interval", Namespace, interval);
                writer.WriteElementString("Count", Namespace, s.RestartCount.ToString(CultureInfo.InvariantCulture));
                writer.WriteEndElement();
            }

            writer.WriteEndElement();

            writer.WriteStartElement("Actions", Namespace);
            writer.WriteAttributeString("Context", "Author");
            foreach (var action in task.Actions)
            {
                writer.WriteStartElement("Exec", Namespace);
                writer.WriteElementString("Command", Namespace, action.Execute);
                if (action.Arguments is { Length: > 0 } arguments) writer.WriteElementString("Arguments", Namespace, arguments);
                if (action.WorkingDirectory is { Length: > 0 } directory) writer.WriteElementString("WorkingDirectory", Namespace, directory);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return text.ToString();
    }

    private static void WriteTrigger(XmlWriter writer, ScheduledTasks.Trigger trigger)
    {
        var element = trigger.Kind switch { "Boot" => "BootTrigger", "Logon" => "LogonTrigger", "Time" => "TimeTrigger", _ => "CalendarTrigger" };
        writer.WriteStartElement(element, Namespace);
        if (trigger.StartBoundary is { } start) writer.WriteElementString("StartBoundary", Namespace, start.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        writer.WriteElementString("Enabled", Namespace, "true");
        if (trigger.Kind == "Logon" && trigger.UserId is { } user) writer.WriteElementString("UserId", Namespace, user);
        if (trigger.Kind == "Daily")
        {
            writer.WriteStartElement("ScheduleByDay", Namespace);
            writer.WriteElementString("DaysInterval", Namespace, "1");
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    /// <summary>A task principal's user as the task XML names it: a local user by SID (SERVER01\psrp and psrp alike); null for another.</summary>
    public static string? SidOfUser(LocalAccounts? accounts, string? computer, string user)
    {
        var slash = user.IndexOf('\\');
        var name = slash >= 0 && (user[..slash] == "." || user[..slash].Equals(computer, StringComparison.OrdinalIgnoreCase)) ? user[(slash + 1)..] : user;
        return accounts is not null && accounts.FindUser(name) is { } found ? accounts.UserSid(found) : null;
    }

    /// <summary>A task XML's SID as the module shows the principal: the service accounts' names, a local user's name; null for another.</summary>
    public static string? UserOfSid(LocalAccounts? accounts, string sid) => sid switch
    {
        "S-1-5-18" => "SYSTEM",
        "S-1-5-19" => "LOCAL SERVICE",
        "S-1-5-20" => "NETWORK SERVICE",
        _ => accounts?.Users().FirstOrDefault(u => accounts.UserSid(u) == sid)?.Name,
    };

    private static string Bool(bool value) => value ? "true" : "false";

    private static string? ServiceAccountSid(string user) =>
        Array.Find(ServiceAccounts, a => a.Name.Equals(user, StringComparison.OrdinalIgnoreCase)).Sid;

    // The XML's TASK_LOGON_TYPE names (the module's Interactive is InteractiveToken; a service account has none).
    private static string? XmlLogonType(string logonType) => logonType switch
    {
        "Interactive" => "InteractiveToken",
        "Password" => "Password",
        "S4U" => "S4U",
        "InteractiveOrPassword" => "InteractiveTokenOrPassword",
        _ => null,
    };

    private static string ModuleLogonType(string xml) => xml switch
    {
        "InteractiveToken" => "Interactive",
        "InteractiveTokenOrPassword" => "InteractiveOrPassword",
        _ => xml,
    };

    /// <summary>Why a task XML was refused: the Task Scheduler's (1,1)-style text.</summary>
    public sealed class TaskXmlException(string message) : Exception(message);

    /// <summary>
    /// The task an XML defines, named <paramref name="name"/> in <paramref name="path"/>. Throws TaskXmlException for XML
    /// that is not a task definition, or one whose actions are not all Exec actions.
    /// </summary>
    public static ScheduledTasks.ScheduledTask Read(string xml, string path, string name, Func<string, string?> nameOfSid)
    {
        var task = new ScheduledTasks.ScheduledTask(path, name);
        var triggers = new List<ScheduledTasks.Trigger>();
        var actions = new List<ScheduledTasks.ExecAction>();
        var settings = new ScheduledTasks.TaskSettings();
        try
        {
            var readerSettings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxCharacters, IgnoreWhitespace = true, IgnoreComments = true };
            using var reader = XmlReader.Create(new StringReader(xml), readerSettings);
            reader.MoveToContent();
            if (reader.LocalName != "Task" || reader.NamespaceURI != Namespace) throw new TaskXmlException("(1,2)::ERROR: the root element is not the task schema's Task");
            string? command = null, arguments = null, directory = null;
            string? triggerKind = null, triggerUser = null;
            DateTimeOffset? triggerStart = null;
            var inTriggers = false;
            // ReadElementContentAsString moves past its element: the next node is read only when none was taken.
            var advanced = false;
            string Content()
            {
                advanced = true;
                return reader.ReadElementContentAsString();
            }

            bool Flag() => Content().Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

            void Next()
            {
                if (advanced) advanced = false;
                else reader.Read();
            }

            for (reader.Read(); !reader.EOF; Next())
            {
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    switch (reader.LocalName)
                    {
                        case "Triggers": inTriggers = false; break;
                        case "Exec":
                            if (command is { Length: > 0 }) actions.Add(new ScheduledTasks.ExecAction(command, arguments, directory));
                            command = arguments = directory = null;
                            break;
                        case "BootTrigger" or "LogonTrigger" or "TimeTrigger" or "CalendarTrigger" when triggerKind is not null:
                            triggers.Add(new ScheduledTasks.Trigger(triggerKind, triggerStart, triggerUser));
                            triggerKind = null;
                            break;
                    }

                    continue;
                }

                if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != Namespace) continue;
                var empty = reader.IsEmptyElement;
                switch (reader.LocalName)
                {
                    case "Triggers": inTriggers = !empty; break;
                    case "BootTrigger" or "LogonTrigger" or "TimeTrigger" or "CalendarTrigger" when inTriggers:
                        triggerKind = reader.LocalName switch { "BootTrigger" => "Boot", "LogonTrigger" => "Logon", "TimeTrigger" => "Time", _ => "Daily" };
                        triggerStart = null;
                        triggerUser = null;
                        if (empty)
                        {
                            triggers.Add(new ScheduledTasks.Trigger(triggerKind));
                            triggerKind = null;
                        }

                        break;
                    case "ScheduleByWeek" or "ScheduleByMonth" or "ScheduleByMonthDayOfWeek":
                        throw new TaskXmlException($"(1,1)::ERROR: {reader.LocalName} is not emulated");
                    case "ComHandler" or "SendEmail" or "ShowMessage":
                        throw new TaskXmlException($"(1,1)::ERROR: a {reader.LocalName} action is not emulated");
                    case "Exec": break;
                    case "Command" when !empty: command = Content().Trim(); break;
                    case "Arguments" when !empty: arguments = Content(); break;
                    case "WorkingDirectory" when !empty: directory = Content().Trim(); break;
                    case "StartBoundary" when !empty && triggerKind is not null:
                        triggerStart = DateTimeOffset.TryParse(Content().Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : null;
                        break;
                    case "UserId" when !empty && triggerKind is not null: triggerUser = Content().Trim(); break;
                    case "UserId" when !empty:
                        var user = Content().Trim();
                        task = task with { UserId = user.StartsWith("S-1-", StringComparison.Ordinal) ? nameOfSid(user) ?? user : user };
                        break;
                    case "GroupId" when !empty: task = task with { UserId = Content().Trim(), LogonType = "Group" }; break;
                    case "LogonType" when !empty: task = task with { LogonType = ModuleLogonType(Content().Trim()) }; break;
                    case "RunLevel" when !empty: task = task with { RunLevel = Content().Trim() == "HighestAvailable" ? "Highest" : "Limited" }; break;
                    case "Author" when !empty: task = task with { Author = Content() }; break;
                    case "Description" when !empty: task = task with { Description = Content() }; break;
                    case "MultipleInstancesPolicy" when !empty: settings = settings with { MultipleInstances = Content().Trim() }; break;
                    case "DisallowStartIfOnBatteries" when !empty: settings = settings with { DisallowStartIfOnBatteries = Flag() }; break;
                    case "StopIfGoingOnBatteries" when !empty: settings = settings with { StopIfGoingOnBatteries = Flag() }; break;
                    case "StartWhenAvailable" when !empty: settings = settings with { StartWhenAvailable = Flag() }; break;
                    case "RunOnlyIfNetworkAvailable" when !empty: settings = settings with { RunOnlyIfNetworkAvailable = Flag() }; break;
                    case "StopOnIdleEnd" when !empty: settings = settings with { StopOnIdleEnd = Flag() }; break;
                    case "Enabled" when !empty && triggerKind is null: settings = settings with { Enabled = Flag() }; break;
                    case "Hidden" when !empty: settings = settings with { Hidden = Flag() }; break;
                    case "WakeToRun" when !empty: settings = settings with { WakeToRun = Flag() }; break;
                    case "ExecutionTimeLimit" when !empty && triggerKind is null: settings = settings with { ExecutionTimeLimit = Content().Trim() }; break;
                    case "Priority" when !empty: settings = settings with { Priority = int.TryParse(Content().Trim(), CultureInfo.InvariantCulture, out var p) ? p : 7 }; break;
                    case "Interval" when !empty && triggerKind is null: settings = settings with { RestartInterval = Content().Trim() }; break;
                    case "Count" when !empty && triggerKind is null: settings = settings with { RestartCount = int.TryParse(Content().Trim(), CultureInfo.InvariantCulture, out var c) ? c : 0 }; break;
                }
            }
        }
        catch (XmlException e)
        {
            throw new TaskXmlException($"(1,1)::ERROR: incorrectly formatted XML: {e.Message}");
        }

        if (actions.Count == 0) throw new TaskXmlException("(1,1)::ERROR: the task has no Exec action");
        return task with { Triggers = triggers, Actions = actions, Settings = settings, Enabled = settings.Enabled };
    }
}
