"""Benchmarks of pvd-assistant: `python -m bench [--hours 500] [--out FILE]` prints a French table of figures
beside their targets (README, « Mesurer et tenir »)."""
