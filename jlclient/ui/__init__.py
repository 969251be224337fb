"""PySide6 user interface: shows state and calls services; nothing else."""
