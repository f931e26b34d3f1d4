#!/usr/bin/env python3
"""Drives pywinrm against the emulator for the NUnit interop tests; prints one JSON object.

Usage: pywinrm_client.py URL USER PASSWORD cmd COMMAND [ARG...]
       pywinrm_client.py URL USER PASSWORD ps SCRIPT
       pywinrm_client.py URL USER PASSWORD putfile LOCAL_PATH REMOTE_PATH
putfile is Ansible's winrm put_file flow on pywinrm's Protocol: its powershell.exe -EncodedCommand script of named
blocks, the file's base64 chunks sent as stdin lines (rsp:Send, End on the last), the SHA-1 it prints as JSON.
The transport is PYWINRM_TRANSPORT (basic, or ntlm: requests-ntlm with message encryption over HTTP).
Over HTTPS PYWINRM_CERT_VALIDATION=ignore skips the certificate check, and PYWINRM_SEND_CBT=0 turns off the
channel binding token requests-ntlm sends by default.
"""
import os
import json
import sys
from base64 import b64encode

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
