"""Hulpregie's benchmarks: `make bench` (python -m bench.run), `make load`, `make soak`."""
