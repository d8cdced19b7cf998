"""Tools the Makefile and conftest.py use: re-running chapters, pinning floating-point paths."""
