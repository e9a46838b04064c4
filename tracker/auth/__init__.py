"""Signing in and out, roles, and the access rules every view declares."""
