"""Run the real server and fake hardware on loopback, for tests and benchmarks.

Neither tests/ nor bench/ owns these: both start gunicorn as a center runs it and print to a fake
network printer, and a benchmark must run without the test suite.
"""
