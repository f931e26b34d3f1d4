#!/usr/bin/env python3
"""Drives pywinrm against the emulator for the NUnit interop tests; prints one JSON object.

Usage: pywinrm_client.py URL USER PASSWORD cmd COMMAND [ARG...]
       pywinrm_client.py URL USER PASSWORD ps SCRIPT
The transport is PYWINRM_TRANSPORT (basic, or ntlm: requests-ntlm with message encryption over HTTP).
Over HTTPS PYWINRM_CERT_VALIDATION=ignore skips the certificate check, and PYWINRM_SEND_CBT=0 turns off the
channel binding token requests-ntlm sends by default.
"""
import os
import json
import sys
from base64 import b64encode

import winrm


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
