"""The `remotereasoner` command line: one module per subcommand, registered in `cli.main`."""
