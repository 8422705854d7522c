"""Database access: connection endpoints, the embedded server, engines and migrations."""
