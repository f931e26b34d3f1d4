// Drives github.com/masterzen/winrm (Debian's golang-github-masterzen-winrm-dev, the Go WinRM library of Packer and
// Terraform) for GoWinrmInteropTests: one call of its public API, the result as JSON on stdout.
//
//	winrm_client HOST PORT USER PASSWORD AUTH KIND ARG...
//	AUTH: basic | ntlm (WINRM_HTTPS=1: over HTTPS, the certificate not checked)
//	KIND: run COMMAND | stdin COMMAND INPUT (RunWithInput; INPUT - reads the driver's stdin) | ps SCRIPT (winrm.Powershell)
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/masterzen/winrm"
)

type result struct {
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
	ExitCode int    `json:"exitCode"`
	Error    string `json:"error,omitempty"`
}

func main() {
	args := os.Args[1:]
	port, _ := strconv.Atoi(args[1])
	// WINRM_HTTPS=1: HTTPS without checking the server's certificate (Packer's winrm_use_ssl with winrm_insecure).
	https := os.Getenv("WINRM_HTTPS") == "1"
	endpoint := winrm.NewEndpoint(args[0], port, https, https, nil, nil, nil, 0)
	params := winrm.NewParameters("PT60S", "en-US", 153600)
	if args[4] == "ntlm" {
		params.TransportDecorator = func() winrm.Transporter { return &winrm.ClientNTLM{} }
	}

	var r result
	client, err := winrm.NewClientWithParameters(endpoint, args[2], args[3], params)
	if err == nil {
		switch args[5] {
		case "run":
			r.Stdout, r.Stderr, r.ExitCode, err = client.RunWithString(args[6], "")
		case "stdin":
			// RunWithInput: stdin ends (End="true") once the input is sent. RunWithString sends the end only after
			// the command has finished, so a program reading to the end of stdin (more) waits for ever.
			// INPUT "-": the driver's own stdin (input too large for a command line).
			var input io.Reader = strings.NewReader(args[7])
			if args[7] == "-" {
				input = os.Stdin
			}
			var stdout, stderr bytes.Buffer
			r.ExitCode, err = client.RunWithInput(args[6], &stdout, &stderr, input)
			r.Stdout, r.Stderr = stdout.String(), stderr.String()
		case "ps":
			r.Stdout, r.Stderr, r.ExitCode, err = client.RunWithString(winrm.Powershell(args[6]), "")
		}
	}

	if err != nil {
		r.Error = err.Error()
	}

	json.NewEncoder(os.Stdout).Encode(r)
}
