"""Benchmarks: ``make bench`` runs them (see README, "Speed")."""
