"""The start page of each role: what needs doing, each line one click from the page that does it."""
