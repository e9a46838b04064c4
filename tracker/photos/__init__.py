"""Photos of events: upload, stored sizes, serving, and their place in releases (issue 15)."""
