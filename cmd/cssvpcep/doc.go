// Command cssvpcep lists the VPC endpoint connections of a Cloud Search Service (CSS) cluster,
// calling the API operation ShowVpcepConnection,
//
//	GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections
//
// through package client, and runs package emulator, a local stand-in for that API.
//
// Usage:
//
//	cssvpcep connections --cluster-id C [--project-id P] [--region R | --endpoint URL]
//	                     [--offset N] [--limit N] [--all] [-o table|json] [--debug]
//	cssvpcep serve [--addr 127.0.0.1:8080] [--seed FILE] [--connections N] [--token T]
//	               [--ak AK --sk SK] [--latency D] [--fail-rate R] [--doc-quirks] [--debug]
//	cssvpcep demo [--debug]
//	cssvpcep help [command]
//	cssvpcep --version
//
// connections takes its credentials from the environment only: OS_AUTH_TOKEN, or
// OS_ACCESS_KEY and OS_SECRET_KEY. Secrets are not accepted as flags, which would leave them
// in shell history and process listings. The endpoint and the project come from --endpoint or
// --region and --project-id, else from CSS_ENDPOINT or OS_REGION_NAME and OS_PROJECT_ID.
//
// serve runs the emulator until SIGINT or SIGTERM, printing the URL it listens on and a
// ready-to-run connections command for every cluster it serves. demo starts the emulator on a
// free loopback port with AK/SK authentication, lists its connections through the client over
// real HTTP, and stops it: it needs no network, no credentials and no environment.
//
// The exit status is 0 on success, 1 when the API or the network failed (stderr then gives the
// HTTP status, the CSS error code, the message and the request ID), and 2 for a usage error:
// a wrong or missing flag or environment variable, which stderr names. Run
// "cssvpcep <command> --help" for the details of a command.
package main
