# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The proctrace benchmark, module by module: settings, storm, tracers,
runs, report (bench/bench.py runs it)."""
