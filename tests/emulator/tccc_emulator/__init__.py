"""Local emulator of the Tencent Cloud Contact Center (ccc 2020-02-10) extension APIs, STS AssumeRole and
the CVM instance metadata credentials, for tests. Standard library only (PyYAML for YAML data files)."""
