"""Printed documents (ReportLab): receipts, notices, records, covers and labels."""
