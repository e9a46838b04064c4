"""Tests of the admin area: accounts."""
