"""Alert fixtures live in tests/conftest.py (`store_latency`)."""
