"""Tests of the directory area: units, people, venues."""
