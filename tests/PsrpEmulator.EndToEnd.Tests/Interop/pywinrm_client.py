#!/usr/bin/env python3
"""Drives pywinrm against the emulator for the NUnit interop tests; prints one JSON object.

Usage: pywinrm_client.py URL USER PASSWORD cmd COMMAND [ARG...]
       pywinrm_client.py URL USER PASSWORD ps SCRIPT
       pywinrm_client.py URL USER PASSWORD putfile LOCAL_PATH REMOTE_PATH
       pywinrm_client.py URL USER PASSWORD fetchfile REMOTE_PATH LOCAL_PATH
putfile is Ansible's winrm put_file flow on pywinrm's Protocol: its powershell.exe -EncodedCommand script of named
blocks, the file's base64 chunks sent as stdin lines (rsp:Send, End on the last), the SHA-1 it prints as JSON.
fetchfile is Ansible's fetch_file loop: one powershell.exe -EncodedCommand per 512 KB chunk, base64 on stdout.
The transport is PYWINRM_TRANSPORT (basic, or ntlm: requests-ntlm with message encryption over HTTP).
Over HTTPS PYWINRM_CERT_VALIDATION=ignore skips the certificate check, and PYWINRM_SEND_CBT=0 turns off the
channel binding token requests-ntlm sends by default.
"""
import os
import json
import sys
from base64 import b64decode, b64encode

import winrm
import xmltodict

PUT_FILE_SCRIPT = u'''
            begin {{
                $path = '{0}'

                $DebugPreference = "Continue"
                $ErrorActionPreference = "Stop"
                Set-StrictMode -Version 2

                $fd = [System.IO.File]::Create($path)

                $sha1 = [System.Security.Cryptography.SHA1CryptoServiceProvider]::Create()

                $bytes = @() #initialize for empty file case
            }}
            process {{
               $bytes = [System.Convert]::FromBase64String($input)
               $sha1.TransformBlock($bytes, 0, $bytes.Length, $bytes, 0) | Out-Null
               $fd.Write($bytes, 0, $bytes.Length)
            }}
            end {{
                $sha1.TransformFinalBlock($bytes, 0, 0) | Out-Null

                $hash = [System.BitConverter]::ToString($sha1.Hash).Replace("-", "").ToLowerInvariant()

                $fd.Close()

                Write-Output "{{""sha1"":""$hash""}}"
            }}
        '''


def send_stdin(protocol, shell_id, command_id, data, end):
    """An rsp:Send of one stdin chunk (as Ansible's connection plugin builds it: pywinrm 0.3.0 has no call for it)."""
    header = protocol._get_soap_header(
        resource_uri='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd',
        action='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
        shell_id=shell_id)
    envelope = {'env:Envelope': header}
    stream = envelope['env:Envelope'].setdefault('env:Body', {}).setdefault('rsp:Send', {}).setdefault('rsp:Stream', {})
    stream['@Name'] = 'stdin'
    stream['@CommandId'] = command_id
    stream['#text'] = b64encode(data).decode('ascii')
    if end:
        stream['@End'] = 'true'
    protocol.send_message(xmltodict.unparse(envelope))


def put_file(protocol, local_path, remote_path):
    script = PUT_FILE_SCRIPT.format(remote_path.replace("'", "''"))
    encoded = b64encode(script.encode('utf_16_le')).decode('ascii')
    shell_id = protocol.open_shell()
    try:
        command_id = protocol.run_command(shell_id, 'PowerShell', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Unrestricted', '-EncodedCommand', encoded])
        with open(local_path, 'rb') as f:
            chunks = []
            while True:
                chunk = f.read(6000)
                if not chunk:
                    break
                chunks.append(b64encode(chunk) + b'\r\n')
        if not chunks:
            send_stdin(protocol, shell_id, command_id, b'', True)
        for i, chunk in enumerate(chunks):
            send_stdin(protocol, shell_id, command_id, chunk, i == len(chunks) - 1)
        std_out, std_err, status_code = protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)
        return {'status_code': status_code, 'std_out': std_out.decode('utf-8'), 'std_err': std_err.decode('utf-8')}
    finally:
        protocol.close_shell(shell_id)


# Ansible's winrm fetch_file script (its connection plugin, as the text it sends): one 512 KB chunk per command, from
# the offset given; "[DIR]" for a folder; Write-Error and exit 1 for a missing path.
FETCH_FILE_SCRIPT = u'''
                        $path = "%(path)s"
                        If (Test-Path -Path $path -PathType Leaf)
                        {
                            $buffer_size = %(buffer_size)d
                            $offset = %(offset)d

                            $stream = New-Object -TypeName IO.FileStream($path, [IO.FileMode]::Open, [IO.FileAccess]::Read, [IO.FileShare]::ReadWrite)
                            $stream.Seek($offset, [System.IO.SeekOrigin]::Begin) > $null
                            $buffer = New-Object -TypeName byte[] $buffer_size
                            $bytes_read = $stream.Read($buffer, 0, $buffer_size)
                            if ($bytes_read -gt 0) {
                                $bytes = $buffer[0..($bytes_read - 1)]
                                [System.Convert]::ToBase64String($bytes)
                            }
                            $stream.Close() > $null
                        }
                        ElseIf (Test-Path -Path $path -PathType Container)
                        {
                            Write-Host "[DIR]";
                        }
                        Else
                        {
                            Write-Error "$path does not exist";
                            Exit 1;
                        }
                    '''


def encode_script(script):
    """Ansible's powershell shell plugin _encode_script (strict mode on, exit code not kept): the command line's parts."""
    script = u'Set-StrictMode -Version Latest\r\n%s' % script
    script = '\n'.join([x.strip() for x in script.splitlines() if x.strip()])
    encoded = b64encode(script.encode('utf-16-le')).decode('ascii')
    return ['PowerShell', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Unrestricted', '-EncodedCommand', encoded]


def escape(value):
    """Ansible's _escape for a double-quoted PowerShell string (the characters a path can hold)."""
    for a, b in (('`', '``'), ('"', '`"'), ('$', '`$')):
        value = value.replace(a, b)
    return value


def fetch_file(protocol, remote_path, local_path, buffer_size=2 ** 19):
    """Ansible's fetch_file loop on one shell: a command per chunk until a chunk is short; a folder is made locally."""
    shell_id = protocol.open_shell()
    commands = 0
    try:
        offset = 0
        out_file = None
        try:
            while True:
                script = FETCH_FILE_SCRIPT % dict(buffer_size=buffer_size, path=escape(remote_path), offset=offset)
                parts = encode_script(script)
                command_id = protocol.run_command(shell_id, parts[0], parts[1:])
                std_out, std_err, status_code = protocol.get_command_output(shell_id, command_id)
                protocol.cleanup_command(shell_id, command_id)
                commands += 1
                if status_code != 0:
                    return {'status_code': status_code, 'std_err': std_err.decode('utf-8'), 'commands': commands}
                if std_out.strip() == b'[DIR]':
                    os.makedirs(local_path, exist_ok=True)
                    return {'status_code': 0, 'dir': True, 'commands': commands}
                data = b64decode(std_out.strip())
                if out_file is None:
                    out_file = open(local_path, 'wb')
                out_file.write(data)
                if len(data) < buffer_size:
                    return {'status_code': 0, 'bytes': offset + len(data), 'commands': commands}
                offset += len(data)
        finally:
            if out_file is not None:
                out_file.close()
    finally:
        protocol.close_shell(shell_id)


def main():
    url, user, password, kind = sys.argv[1:5]
    rest = sys.argv[5:]
    transport = os.environ.get('PYWINRM_TRANSPORT', 'basic')
    session = winrm.Session(url, auth=(user, password), transport=transport,
                            operation_timeout_sec=5, read_timeout_sec=15,
                            server_cert_validation=os.environ.get('PYWINRM_CERT_VALIDATION', 'validate'),
                            send_cbt=os.environ.get('PYWINRM_SEND_CBT', '1') == '1')
    protocol = session.protocol

    # Count the Receive round trips (a long-running command takes several).
    receives = {'count': 0}
    raw = protocol._raw_get_command_output

    def counting(shell_id, command_id):
        receives['count'] += 1
        return raw(shell_id, command_id)

    protocol._raw_get_command_output = counting

    result = {'pywinrm': getattr(winrm, '__version__', None), 'transport': transport}
    try:
        if kind == 'fetchfile':
            result.update(fetch_file(protocol, rest[0], rest[1]))
            result['receives'] = receives['count']
            print(json.dumps(result))
            return
        if kind == 'putfile':
            result.update(put_file(protocol, rest[0], rest[1]))
            result['receives'] = receives['count']
            print(json.dumps(result))
            return
        if kind == 'cmd':
            response = session.run_cmd(rest[0], rest[1:])
            std_err = response.std_err.decode('utf-8')
        else:
            script = rest[0]
            try:
                response = session.run_ps(script)
                std_err = response.std_err.decode('utf-8') if isinstance(response.std_err, bytes) else response.std_err
            except TypeError:
                # pywinrm 0.3.0 on Python 3 compares the bytes of stderr with a str in _clean_error_msg. Run the same
                # command line and apply pywinrm's own CLIXML cleaning to the decoded text.
                encoded = b64encode(script.encode('utf_16_le')).decode('ascii')
                response = session.run_cmd('powershell -encodedcommand {0}'.format(encoded))
                result['raw_std_err'] = response.std_err.decode('utf-8')
                std_err = session._clean_error_msg(result['raw_std_err'])
        result.update(status_code=response.status_code, std_out=response.std_out.decode('utf-8'), std_err=std_err)
    except winrm.exceptions.InvalidCredentialsError as e:
        result.update(error='InvalidCredentialsError', message=str(e))
    except winrm.exceptions.WinRMTransportError as e:
        result.update(error='WinRMTransportError', message=str(e))
    result['receives'] = receives['count']
    transport_object = session.protocol.transport
    result['encrypted'] = getattr(transport_object, 'encryption', None) is not None
    print(json.dumps(result))


if __name__ == '__main__':
    main()
