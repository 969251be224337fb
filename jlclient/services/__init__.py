"""Use cases shared by the UI and the CLI. No widgets here."""
