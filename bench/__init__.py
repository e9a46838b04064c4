"""Speed benchmarks, run by ``make bench`` (``python -m bench``); never part of the test suite."""
