namespace PsrpEmulator.Protocol.Tests.Psrp;

/// <summary>
/// Shared PSRP test data (also meant for benchmarks). The base64 strings are copied from pypsrp's recorded traffic
/// (tests/tests_pypsrp/responses, commit 42a34edd, MIT licence): Windows PowerShell 5.1 server, pypsrp client.
/// </summary>
public static class PsrpTestVectors
{
    // ---- protocol-notes 9.8: client SESSION_CAPABILITY, RPID B6631D8E-65A0-49F2-9053-A1B156C95777, ObjectId 1 ----

    public static readonly Guid Vector98RunspacePoolId = new("B6631D8E-65A0-49F2-9053-A1B156C95777");

    /// <summary>The 159-byte CLIXML (no BOM, no whitespace).</summary>
    public const string Vector98Clixml =
        "<Obj RefId=\"0\"><MS><Version N=\"protocolversion\">2.3</Version><Version N=\"PSVersion\">2.0</Version>" +
        "<Version N=\"SerializationVersion\">1.1.0.1</Version></MS></Obj>";

    /// <summary>The first 61 bytes of the 220-byte fragment.</summary>
    public const string Vector98HeaderHex =
        "0000000000000001" + "0000000000000000" + "03" + "000000c7" + "02000000" + "02000100" +
        "8e1d63b6a065f2499053a1b156c95777" + "00000000000000000000000000000000";

    // ---- test_psrp_open_runspace.yml ----

    /// <summary>The ShellId of the capture (76056A84-51DC-4F24-9262-CA2A55464B2B).</summary>
    public static readonly Guid OpenRunspaceShellId = new("76056A84-51DC-4F24-9262-CA2A55464B2B");

    /// <summary>
    /// The RPID as read with the .NET layout: this older pypsrp wrote the GUID bytes in string order
    /// (76 05 6A 84 …) and the Windows server echoed them back (protocol-notes 9.2).
    /// </summary>
    public static readonly Guid OpenRunspacePoolId = new("846A0576-DC51-244F-9262-CA2A55464B2B");

    /// <summary>Create creationXml: SESSION_CAPABILITY (obj 1, 199 bytes) + INIT_RUNSPACEPOOL (obj 2, 765 bytes), no BOM.</summary>
    public const string OpenRunspaceCreationXml =
        "AAAAAAAAAAEAAAAAAAAAAAMAAADHAgAAAAIAAQB2BWqEUdxPJJJiyipVRksrAAAAAAAAAAAAAAAAAAAAADxPYmogUmVmSWQ9IjAiPjxNUz48Vm" +
        "Vyc2lvbiBOPSJwcm90b2NvbHZlcnNpb24iPjIuMzwvVmVyc2lvbj48VmVyc2lvbiBOPSJQU1ZlcnNpb24iPjIuMDwvVmVyc2lvbj48VmVyc2lv" +
        "biBOPSJTZXJpYWxpemF0aW9uVmVyc2lvbiI+MS4xLjAuMTwvVmVyc2lvbj48L01TPjwvT2JqPgAAAAAAAAACAAAAAAAAAAADAAAC/QIAAAAEAA" +
        "EAdgVqhFHcTySSYsoqVUZLKwAAAAAAAAAAAAAAAAAAAAA8T2JqIFJlZklkPSIwIj48TVM+PEkzMiBOPSJNaW5SdW5zcGFjZXMiPjE8L0kzMj48" +
        "STMyIE49Ik1heFJ1bnNwYWNlcyI+MTwvSTMyPjxPYmogTj0iUFNUaHJlYWRPcHRpb25zIiBSZWZJZD0iMSI+PFROIFJlZklkPSIwIj48VD5TeX" +
        "N0ZW0uTWFuYWdlbWVudC5BdXRvbWF0aW9uLlJ1bnNwYWNlcy5QU1RocmVhZE9wdGlvbnM8L1Q+PFQ+U3lzdGVtLkVudW08L1Q+PFQ+U3lzdGVt" +
        "LlZhbHVlVHlwZTwvVD48VD5TeXN0ZW0uT2JqZWN0PC9UPjwvVE4+PFRvU3RyaW5nPkRlZmF1bHQ8L1RvU3RyaW5nPjxJMzI+MDwvSTMyPjwvT2" +
        "JqPjxPYmogTj0iQXBhcnRtZW50U3RhdGUiIFJlZklkPSIyIj48VE4gUmVmSWQ9IjEiPjxUPlN5c3RlbS5NYW5hZ2VtZW50LkF1dG9tYXRpb24u" +
        "UnVuc3BhY2VzLkFwYXJ0bWVudFN0YXRlPC9UPjxUPlN5c3RlbS5FbnVtPC9UPjxUPlN5c3RlbS5WYWx1ZVR5cGU8L1Q+PFQ+U3lzdGVtLk9iam" +
        "VjdDwvVD48L1ROPjxUb1N0cmluZz5VTktOT1dOPC9Ub1N0cmluZz48STMyPjI8L0kzMj48L09iaj48T2JqIE49Ikhvc3RJbmZvIiBSZWZJZD0i" +
        "MyI+PE1TPjxCIE49Il9pc0hvc3ROdWxsIj50cnVlPC9CPjxCIE49Il9pc0hvc3RVSU51bGwiPnRydWU8L0I+PEIgTj0iX2lzSG9zdFJhd1VJTn" +
        "VsbCI+dHJ1ZTwvQj48QiBOPSJfdXNlUnVuc3BhY2VIb3N0Ij50cnVlPC9CPjwvTVM+PC9PYmo+PE5pbCBOPSJBcHBsaWNhdGlvbkFyZ3VtZW50" +
        "cyIgLz48L01TPjwvT2JqPg==";

    /// <summary>Receive stdout: server SESSION_CAPABILITY (obj 1, 202 bytes with BOM, RPID all zero).</summary>
    public const string OpenRunspaceSessionCapabilityStream =
        "AAAAAAAAAAEAAAAAAAAAAAMAAADKAQAAAAIAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAO+7vzxPYmogUmVmSWQ9IjAiPjxNUz" +
        "48VmVyc2lvbiBOPSJwcm90b2NvbHZlcnNpb24iPjIuMzwvVmVyc2lvbj48VmVyc2lvbiBOPSJQU1ZlcnNpb24iPjIuMDwvVmVyc2lvbj48VmVy" +
        "c2lvbiBOPSJTZXJpYWxpemF0aW9uVmVyc2lvbiI+MS4xLjAuMTwvVmVyc2lvbj48L01TPjwvT2JqPg==";

    /// <summary>Receive stdout: APPLICATION_PRIVATE_DATA (obj 2, 1197 bytes).</summary>
    public const string OpenRunspaceApplicationPrivateDataStream =
        "AAAAAAAAAAIAAAAAAAAAAAMAAAStAQAAAAkQAgB2BWqEUdxPJJJiyipVRksrAAAAAAAAAAAAAAAAAAAAAO+7vzxPYmogUmVmSWQ9IjAiPjxNUz" +
        "48T2JqIE49IkFwcGxpY2F0aW9uUHJpdmF0ZURhdGEiIFJlZklkPSIxIj48VE4gUmVmSWQ9IjAiPjxUPlN5c3RlbS5NYW5hZ2VtZW50LkF1dG9t" +
        "YXRpb24uUFNQcmltaXRpdmVEaWN0aW9uYXJ5PC9UPjxUPlN5c3RlbS5Db2xsZWN0aW9ucy5IYXNodGFibGU8L1Q+PFQ+U3lzdGVtLk9iamVjdD" +
        "wvVD48L1ROPjxEQ1Q+PEVuPjxTIE49IktleSI+UFNWZXJzaW9uVGFibGU8L1M+PE9iaiBOPSJWYWx1ZSIgUmVmSWQ9IjIiPjxUTlJlZiBSZWZJ" +
        "ZD0iMCIgLz48RENUPjxFbj48UyBOPSJLZXkiPlBTVmVyc2lvbjwvUz48VmVyc2lvbiBOPSJWYWx1ZSI+NS4xLjE0MzkzLjIyNDg8L1ZlcnNpb2" +
        "4+PC9Fbj48RW4+PFMgTj0iS2V5Ij5QU0VkaXRpb248L1M+PFMgTj0iVmFsdWUiPkRlc2t0b3A8L1M+PC9Fbj48RW4+PFMgTj0iS2V5Ij5QU0Nv" +
        "bXBhdGlibGVWZXJzaW9uczwvUz48T2JqIE49IlZhbHVlIiBSZWZJZD0iMyI+PFROIFJlZklkPSIxIj48VD5TeXN0ZW0uVmVyc2lvbltdPC9UPj" +
        "xUPlN5c3RlbS5BcnJheTwvVD48VD5TeXN0ZW0uT2JqZWN0PC9UPjwvVE4+PExTVD48VmVyc2lvbj4xLjA8L1ZlcnNpb24+PFZlcnNpb24+Mi4w" +
        "PC9WZXJzaW9uPjxWZXJzaW9uPjMuMDwvVmVyc2lvbj48VmVyc2lvbj40LjA8L1ZlcnNpb24+PFZlcnNpb24+NS4wPC9WZXJzaW9uPjxWZXJzaW" +
        "9uPjUuMS4xNDM5My4yMjQ4PC9WZXJzaW9uPjwvTFNUPjwvT2JqPjwvRW4+PEVuPjxTIE49IktleSI+Q0xSVmVyc2lvbjwvUz48VmVyc2lvbiBO" +
        "PSJWYWx1ZSI+NC4wLjMwMzE5LjQyMDAwPC9WZXJzaW9uPjwvRW4+PEVuPjxTIE49IktleSI+QnVpbGRWZXJzaW9uPC9TPjxWZXJzaW9uIE49Il" +
        "ZhbHVlIj4xMC4wLjE0MzkzLjIyNDg8L1ZlcnNpb24+PC9Fbj48RW4+PFMgTj0iS2V5Ij5XU01hblN0YWNrVmVyc2lvbjwvUz48VmVyc2lvbiBO" +
        "PSJWYWx1ZSI+My4wPC9WZXJzaW9uPjwvRW4+PEVuPjxTIE49IktleSI+UFNSZW1vdGluZ1Byb3RvY29sVmVyc2lvbjwvUz48VmVyc2lvbiBOPS" +
        "JWYWx1ZSI+Mi4zPC9WZXJzaW9uPjwvRW4+PEVuPjxTIE49IktleSI+U2VyaWFsaXphdGlvblZlcnNpb248L1M+PFZlcnNpb24gTj0iVmFsdWUi" +
        "PjEuMS4wLjE8L1ZlcnNpb24+PC9Fbj48L0RDVD48L09iaj48L0VuPjwvRENUPjwvT2JqPjwvTVM+PC9PYmo+";

    /// <summary>Receive stdout: RUNSPACEPOOL_STATE Opened (obj 3, 103 bytes).</summary>
    public const string OpenRunspaceStateStream =
        "AAAAAAAAAAMAAAAAAAAAAAMAAABnAQAAAAUQAgB2BWqEUdxPJJJiyipVRksrAAAAAAAAAAAAAAAAAAAAAO+7vzxPYmogUmVmSWQ9IjAiPjxNUz" +
        "48STMyIE49IlJ1bnNwYWNlU3RhdGUiPjI8L0kzMj48L01TPjwvT2JqPg==";

    // ---- test_psrp_set_runspaces.yml ----

    /// <summary>Send stdin: GET_AVAILABLE_RUNSPACES ci=0 (obj 3, 89 bytes).</summary>
    public const string SetRunspacesGetAvailableSend =
        "AAAAAAAAAAMAAAAAAAAAAAMAAABZAgAAAAcQAgB3TsQcPZNHBqXICQi56WfIAAAAAAAAAAAAAAAAAAAAADxPYmogUmVmSWQ9IjAiPjxNUz48ST" +
        "Y0IE49ImNpIj4wPC9JNjQ+PC9NUz48L09iaj4=";

    /// <summary>Receive stdout: RUNSPACE_AVAILABILITY I32 1, ci 0 (obj 4).</summary>
    public const string SetRunspacesAvailabilityCountStream =
        "AAAAAAAAAAQAAAAAAAAAAAMAAACHAQAAAAQQAgB3TsQcPZNHBqXICQi56WfIAAAAAAAAAAAAAAAAAAAAAO+7vzxPYmogUmVmSWQ9IjAiPjxNUz" +
        "48STMyIE49IlNldE1pbk1heFJ1bnNwYWNlc1Jlc3BvbnNlIj4xPC9JMzI+PEk2NCBOPSJjaSI+MDwvSTY0PjwvTVM+PC9PYmo+";

    /// <summary>Send stdin: SET_MAX_RUNSPACES 5, CI 1 (obj 4).</summary>
    public const string SetRunspacesSetMaxSend =
        "AAAAAAAAAAQAAAAAAAAAAAMAAAB2AgAAAAIQAgB3TsQcPZNHBqXICQi56WfIAAAAAAAAAAAAAAAAAAAAADxPYmogUmVmSWQ9IjAiPjxNUz48ST" +
        "MyIE49Ik1heFJ1bnNwYWNlcyI+NTwvSTMyPjxJNjQgTj0iQ0kiPjE8L0k2ND48L01TPjwvT2JqPg==";

    /// <summary>Receive stdout: RUNSPACE_AVAILABILITY B true, ci 1 (obj 5).</summary>
    public const string SetRunspacesAvailabilityBoolStream =
        "AAAAAAAAAAUAAAAAAAAAAAMAAACGAQAAAAQQAgB3TsQcPZNHBqXICQi56WfIAAAAAAAAAAAAAAAAAAAAAO+7vzxPYmogUmVmSWQ9IjAiPjxNUz" +
        "48QiBOPSJTZXRNaW5NYXhSdW5zcGFjZXNSZXNwb25zZSI+dHJ1ZTwvQj48STY0IE49ImNpIj4xPC9JNjQ+PC9NUz48L09iaj4=";

    // ---- test_client_fetch_file.yml: one PIPELINE_OUTPUT (obj 6) in 11 fragments of at most 32768 bytes ----

    public static readonly Guid FetchFileRunspacePoolId = new("8476A866-BDDE-4616-A461-550AC92B1C20");
    public static readonly Guid FetchFilePipelineId = new("13E829FC-384D-41C8-88BF-933C03FC2C53");
    public const ulong FetchFileObjectId = 6;
    public const int FetchFileFragmentLength = 32768;
    public const int FetchFileMessageLength = 333386;

    /// <summary>Fragments per ReceiveResponse (each fragment is its own rsp:Stream element).</summary>
    public static readonly int[] FetchFileFragmentsPerResponse = [4, 4, 3];

    /// <summary>SHA-256 (lower-case hex) of each captured rsp:Stream base64 text, fragment 0 to 10.</summary>
    public static readonly string[] FetchFileChunkBase64Sha256 =
    [
        "7736d716e527525daf8bf5dab106a59494baca728bc34fa64c49d57aecedf498",
        "687572f706b4cd1587bc5e57fce60776e88f029e18c144a9478aa31c18eb63a1",
        "57c0f12350a58ddb76e7e48ead79e9c141f29e3928fa7bf212d93500b19e87cd",
        "c21260e95ccae685f1bcd95484ef0c00d975a91044f5e3d31633f10823aa8247",
        "fe5aee334c0fe3e676f912f65d54bf7029b037d9154fae0de0c2dfc33052197f",
        "cf7cddb46be0cf56ed0288ace9fb53f7d98bbbbab880bf225e514beddb26d82b",
        "754922eb75ea2f3cb90898bd2d9773da3e4c3079ace9c740adddc39ac5e75a06",
        "09225f3481b4f1317748ac0fd78550cbc4854fe9ed73e31a5ddc09144fc2c8f5",
        "9a370b20bd2faf502ea817590575f5ef5a52e7e229a79c4ed829719ba9e62574",
        "8ef9067afe54d4f45146da1fcfd72a6156714690a3cd5f08f6f68766f4f0af4e",
        "ef5142d5508ce7230c8b3da5faab4988292ea7562f9bfc8dd5a91d82c31dbbe6",
    ];

    /// <summary>The captured last fragment (FragmentId 10, E, blob 5916 bytes) as base64.</summary>
    public const string FetchFileLastChunk =
        "AAAAAAAAAAYAAAAAAAAACgIAABccRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdK" +
        "akRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRF" +
        "FwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBo" +
        "WW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU" +
        "1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5D" +
        "bUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRm" +
        "lZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3" +
        "MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1" +
        "lXSmpEUXBoWW1NTkNtRmlZdzBLWVdKakRRcGhZbU1OQ21GaVl3MEtZV0pqRFFwaFltTU5DbUZpWXcwS1lXSmpEUXBoWW1NTkNnMEs8L1M+";

    /// <summary>
    /// The captured message, rebuilt: the script output a string holding the base64 of "abc\r\n" × 50000 + "\r\n"
    /// (250 002 bytes; SHA-1 70e3bea8cdb0d0c883bccff5228933d933b88a80 as the capture reports).
    /// </summary>
    public static byte[] FetchFileMessage()
    {
        var content = string.Concat(Enumerable.Repeat("abc\r\n", 50000)) + "\r\n";
        var clixml = "<S>" + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(content)) + "</S>";
        var data = new byte[3 + clixml.Length];
        data[0] = 0xEF;
        data[1] = 0xBB;
        data[2] = 0xBF;
        System.Text.Encoding.ASCII.GetBytes(clixml, data.AsSpan(3));
        return new Protocol.Psrp.PsrpMessage(Protocol.Psrp.PsrpDestination.Client, Protocol.Psrp.PsrpMessageType.PipelineOutput,
            FetchFileRunspacePoolId, FetchFilePipelineId, data).ToArray();
    }

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);
}
