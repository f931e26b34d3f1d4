[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PsrpEmulator.Testing")]
