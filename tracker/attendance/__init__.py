"""Attendance area."""
